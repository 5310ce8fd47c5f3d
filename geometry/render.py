"""
Preview images: PNG bytes of a mesh (or of coloured parts) from named viewpoints.

Two renderers draw the same orthographic camera, framing and lights:

* ``"gl"``: headless OpenGL (moderngl on an EGL context; Mesa's llvmpipe needs no GPU), 4x MSAA,
  per-pixel Lambert + specular + ambient with smooth shading that keeps sharp edges sharp. It lives in
  :mod:`render_gl`, imported only when used, so this module imports without moderngl or libEGL.
* ``"pillow"``: a CPU painter's-algorithm renderer (numpy + Pillow), flat shaded, 2x supersampled.

The ``renderer`` argument (``"auto"``, ``"gl"`` or ``"pillow"``; the apps pass their setting, this library
reads no environment) picks one: ``auto`` uses GL when a context can be created in this process and falls
back to Pillow on any GL failure (logged once); ``gl`` raises :class:`RendererUnavailable` instead of
falling back. The GL context is created once per
process, on its first render; a process forked *after* its parent rendered with GL cannot use GL (Mesa
cannot restart there) and falls back to Pillow. Celery prefork is fine: the master never renders.

Colours: pass one mesh and ``color``; or a mesh whose ``visual.kind == "face"`` to use its face colours;
or a list of parts ``[(mesh, "#rrggbb"), ...]`` (e.g. upper, midsole, outsole), drawn together, passed
positionally or as ``parts=``.

:func:`png` keeps its original contract: one three-quarter view, always the Pillow renderer, so that
the stored preview of a design is byte-for-byte reproducible on any machine.
"""
from __future__ import annotations

import importlib
import io
import logging
from collections.abc import Sequence

import numpy as np
import trimesh
from PIL import Image, ImageColor, ImageDraw

logger = logging.getLogger(__name__)

DEFAULT_COLOR = "#c8553d"
SUPERSAMPLE = 2   # Pillow renderer: draw this many times larger, then downsample (antialiasing)
FILL_FRACTION = 0.88  # the projected bounding box fills this share of the limiting image side
PNG_COMPRESS_LEVEL = 3  # zlib level: ~2x faster than Pillow's default 6 for a few % larger files

# Named viewpoints: direction from the object towards the camera, and which world axis is "up" on screen.
# The product frame is heel at x=0, toe towards +x, sole on z=0; -y is the lateral side of a right foot.
ANGLES: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "three_quarter": ((0.62, -1.0, 0.55), (0.0, 0.0, 1.0)),  # front-lateral, from above: toe to the right
    "side": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)),             # lateral side (right foot), toe to the right
    "medial": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),            # the other side, toe to the left
    "top": ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0)),               # plan view, toe to the right
    "front": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),             # from the toe
    "back": ((-1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),             # from the heel
    "bottom": ((0.0, 0.0, -1.0), (0.0, 1.0, 0.0)),           # the tread
}
DEFAULT_ANGLES = ("three_quarter", "side", "top", "front")

# Lights are fixed to the camera (view space: x right, y up, z towards the camera), so every angle is lit
# the same way: a key light from the upper left, slightly in front; a weak fill from the right.
_KEY = np.array([-0.45, 0.75, 0.55]) / np.linalg.norm([-0.45, 0.75, 0.55])
_FILL = np.array([0.8, -0.1, 0.6]) / np.linalg.norm([0.8, -0.1, 0.6])
LIGHTING = {"key": _KEY, "fill": _FILL, "ambient": 0.30, "key_weight": 0.68, "fill_weight": 0.22,
            "specular": 0.16, "shininess": 24.0, "crease_degrees": 35.0}

RENDERERS = ("auto", "gl", "pillow")
_gl_error: str | None = None     # why the GL context could not be created in this process (then: Pillow)
_gl_render_failed_logged = False


class RendererUnavailable(RuntimeError):
    """``renderer="gl"`` was asked for but no OpenGL context can be created here."""


# ---------------------------------------------------------------------------------------------------------
# public API


def backend(renderer: str = "auto") -> str:
    """
    The renderer :func:`views` uses in this process for ``renderer``: ``"gl"`` or ``"pillow"``.

    In ``auto`` mode this creates the GL context on first call (about 0.2 s) to find out.

    Raises
    ------
    RendererUnavailable
      ``renderer="gl"`` and no GL context can be created.
    ValueError
      ``renderer`` is not one of :data:`RENDERERS`.
    """
    choice = _requested(renderer)
    if choice == "pillow":
        return "pillow"
    error = _gl_context_error()
    if error is None:
        return "gl"
    if choice == "gl":
        raise RendererUnavailable(f"renderer 'gl' was asked for but OpenGL is unavailable: {error}")
    return "pillow"


def views(mesh: trimesh.Trimesh | Sequence[tuple[trimesh.Trimesh, str]] | None = None, *,
          parts: Sequence[tuple[trimesh.Trimesh, str]] | None = None, size: tuple[int, int] = (640, 480),
          color: str = DEFAULT_COLOR, background: str = "#ffffff",
          angles: Sequence[str] = DEFAULT_ANGLES, renderer: str = "auto") -> dict[str, bytes]:
    """
    Render one PNG per named viewpoint with the renderer :func:`backend` picks for ``renderer``.

    Parameters
    ----------
    mesh : trimesh.Trimesh or sequence of (trimesh.Trimesh, str)
      The object (mm), drawn in ``color`` (or in its own face colours if ``mesh.visual.kind == "face"``);
      or several parts, each with its colour (``"#rrggbb"`` or any Pillow colour), drawn together,
      e.g. ``[(upper, "#c8553d"), (midsole, "#f2efe8"), (outsole, "#333333")]``.
    parts : sequence of (trimesh.Trimesh, str), optional
      The same list of parts as a keyword, instead of ``mesh``.
    size : (2,) int
      Width and height in pixels of every image.
    color, background : str
      Any colour Pillow understands.
    angles : sequence of str
      Keys of :data:`ANGLES`; each is framed on its own (the object fills the image).
    renderer : str
      One of :data:`RENDERERS`: ``"auto"`` (GL where it works, else Pillow), ``"gl"`` or ``"pillow"``.

    Returns
    -------
    images : dict of str to bytes
      PNG bytes by angle, in the order asked.

    Raises
    ------
    ValueError
      Neither or both of ``mesh`` and ``parts``, an unknown angle or an unknown renderer.
    RendererUnavailable
      ``renderer="gl"`` and no GL context can be created.
    """
    if (mesh is None) == (parts is None):
        raise ValueError("pass exactly one of mesh and parts")
    if mesh is not None and not isinstance(mesh, trimesh.Trimesh):
        mesh, parts = None, list(mesh)  # a list of (mesh, colour) pairs
    unknown = [angle for angle in angles if angle not in ANGLES]
    if unknown:
        raise ValueError(f"unknown angle {unknown[0]!r}; known: {', '.join(ANGLES)}")
    vertices, faces, face_rgb = _scene(mesh, parts, color)
    background_rgb = ImageColor.getrgb(background)[:3]
    use_gl = backend(renderer) == "gl"
    images = {}
    for angle in angles:
        image = None
        if use_gl:
            image = _gl_image(vertices, faces, face_rgb, angle=angle, size=size, background=background_rgb,
                              forced=_requested(renderer) == "gl")
        if image is None:
            image = _pillow_image(vertices, faces, face_rgb, angle=angle, size=size, background=background_rgb)
        images[angle] = _encode(image)
    return images


def png(mesh: trimesh.Trimesh, *, size: tuple[int, int] = (640, 480), color: str = DEFAULT_COLOR,
        background: str = "#ffffff") -> bytes:
    """
    Render a flat-shaded three-quarter view of ``mesh`` to PNG bytes with the Pillow renderer.

    Always Pillow (whatever renderer the app chose), so the same mesh gives the same bytes on every
    machine; use :func:`views` for the faster, smoother GL images.

    Parameters
    ----------
    mesh : trimesh.Trimesh
      Any triangle mesh (mm); it is fitted into the image.
    size : (2,) int
      Width and height in pixels.
    color, background : str
      Any colour Pillow understands, e.g. ``"#c8553d"``.

    Returns
    -------
    png : bytes
    """
    vertices, faces, face_rgb = _scene(mesh, None, color)
    image = _pillow_image(vertices, faces, face_rgb, angle="three_quarter", size=size,
                          background=ImageColor.getrgb(background)[:3])
    return _encode(image)


# ---------------------------------------------------------------------------------------------------------
# shared: scene, camera, shading


def _requested(renderer: str) -> str:
    choice = str(renderer).strip().lower() or "auto"
    if choice not in RENDERERS:
        raise ValueError(f"renderer={renderer!r}; use one of {', '.join(RENDERERS)}")
    return choice


def _scene(mesh: trimesh.Trimesh | None, parts: Sequence[tuple[trimesh.Trimesh, str]] | None,
           color: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """
    Everything to draw as one indexed triangle list.

    Returns
    -------
    vertices : (n, 3) float
    faces : (f, 3) int
    face_rgb : (f, 3) uint8
    """
    if parts is None:
        vertices, faces = np.asarray(mesh.vertices, float).reshape(-1, 3), np.asarray(mesh.faces, np.int64)
        visual = getattr(mesh, "visual", None)
        if len(faces) and getattr(visual, "kind", None) == "face":
            face_rgb = np.asarray(visual.face_colors)[:, :3].astype(np.uint8)
        else:
            face_rgb = np.broadcast_to(np.array(ImageColor.getrgb(color)[:3], np.uint8), faces.shape)
        return vertices, faces.reshape(-1, 3), face_rgb
    meshes = [part for part, _ in parts]
    counts = np.array([len(part.vertices) for part in meshes], np.int64)
    # shift each part's indices by the vertices of the parts before it
    offsets = np.repeat(np.concatenate([[0], np.cumsum(counts)[:-1]]), [len(part.faces) for part in meshes])
    vertices = np.concatenate([np.asarray(part.vertices, float).reshape(-1, 3) for part in meshes] or
                              [np.zeros((0, 3))])
    faces = np.concatenate([np.asarray(part.faces, np.int64).reshape(-1, 3) for part in meshes] or
                           [np.zeros((0, 3), np.int64)]) + offsets[:, None]
    face_rgb = np.repeat(np.array([ImageColor.getrgb(c)[:3] for _, c in parts], np.uint8).reshape(-1, 3),
                         [len(part.faces) for part in meshes], axis=0)
    return vertices, faces, face_rgb


def _view_rotation(angle: str) -> np.ndarray:
    """
    World -> view rotation for a named angle.

    Returns
    -------
    rotation : (3, 3) float
      Rows: screen right, screen up, towards the camera (a right-handed frame).
    """
    towards_camera, up_hint = (np.asarray(v, float) for v in ANGLES[angle])
    back = towards_camera / np.linalg.norm(towards_camera)
    right = np.cross(up_hint, back)
    right /= np.linalg.norm(right)
    return np.stack([right, np.cross(back, right), back])


def _framing(view_vertices: np.ndarray, width: int, height: int) -> tuple[np.ndarray, float, np.ndarray]:
    """
    Centre and scale that fit the projected bounding box into the image.

    Returns
    -------
    centre : (3,) float
      View-space centre of the bounding box.
    scale : float
      Pixels per mm.
    half_depth : float
      Half the depth range (mm), at least 1.
    """
    low, high = view_vertices.min(axis=0), view_vertices.max(axis=0)
    extent = np.maximum(high - low, 1e-9)
    scale = FILL_FRACTION * min(width / extent[0], height / extent[1])
    return (low + high) / 2, float(scale), float(max(extent[2] / 2, 1.0))


def _shade(normals: np.ndarray, face_rgb: np.ndarray) -> np.ndarray:
    """
    Lambert (key + fill) + ambient + Blinn specular, the same formula as the GL fragment shader.

    Parameters
    ----------
    normals : (f, 3) float
      Unit view-space normals, facing the camera.
    face_rgb : (f, 3) uint8

    Returns
    -------
    rgb : (f, 3) uint8
    """
    light = (LIGHTING["ambient"] + LIGHTING["key_weight"] * np.clip(normals @ LIGHTING["key"], 0.0, None)
             + LIGHTING["fill_weight"] * np.clip(normals @ LIGHTING["fill"], 0.0, None))
    half_vector = LIGHTING["key"] + np.array([0.0, 0.0, 1.0])
    half_vector /= np.linalg.norm(half_vector)
    specular = LIGHTING["specular"] * np.clip(normals @ half_vector, 0.0, None) ** LIGHTING["shininess"]
    rgb = face_rgb * light[:, None] + 255.0 * specular[:, None]
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------
# Pillow renderer


def _pillow_image(vertices: np.ndarray, faces: np.ndarray, face_rgb: np.ndarray, *, angle: str,
                  size: tuple[int, int], background: tuple[int, int, int]) -> Image.Image:
    """
    Painter's algorithm: cull faces facing away, paint the rest far to near, flat shaded, supersampled.

    Parameters
    ----------
    vertices : (n, 3) float
    faces : (f, 3) int
    face_rgb : (f, 3) uint8
    """
    width, height = int(size[0]), int(size[1])
    big_w, big_h = width * SUPERSAMPLE, height * SUPERSAMPLE
    image = Image.new("RGB", (big_w, big_h), background)
    if len(faces):
        view = vertices @ _view_rotation(angle).T  # (n, 3): right, up, towards the camera
        centre, scale, _ = _framing(view, big_w, big_h)
        triangles = view[faces]  # (f, 3, 3)
        normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
        lengths = np.linalg.norm(normals, axis=1)
        visible = (normals[:, 2] > 0) & (lengths > 0)  # counter-clockwise on screen: facing the camera
        triangles = triangles[visible]
        rgb = _shade(normals[visible] / lengths[visible, None], face_rgb[visible])
        # image coordinates, y pointing down
        screen = np.empty(triangles.shape[:2] + (2,))
        screen[..., 0] = (triangles[..., 0] - centre[0]) * scale + big_w / 2
        screen[..., 1] = big_h / 2 - (triangles[..., 1] - centre[1]) * scale
        order = np.argsort(triangles[:, :, 2].mean(axis=1), kind="stable")  # far (small z) first
        polygon = ImageDraw.Draw(image).polygon
        for points, colour in zip(screen[order].reshape(-1, 6).tolist(), map(tuple, rgb[order].tolist())):
            polygon(points, fill=colour)  # one Pillow call per face: the only per-face Python step
    if SUPERSAMPLE > 1:
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image


# ---------------------------------------------------------------------------------------------------------
# GL renderer (lazy)


def _render_gl():
    """The GL module, imported on first use (through ``sys.modules``, so a blocked import fails here)."""
    return importlib.import_module(".render_gl", __package__)


def _gl_context_error() -> str | None:
    """None if this process has (or can now create) a GL context, else why not (remembered, logged once)."""
    global _gl_error
    if _gl_error is None:
        try:
            _render_gl().available()
        except Exception as error:  # noqa: BLE001 - anything at all (ImportError, OSError, moderngl.Error)
            _gl_error = f"{type(error).__name__}: {error}"
            logger.warning("OpenGL previews unavailable, using the Pillow renderer: %s", _gl_error)
    return _gl_error


def _gl_image(vertices: np.ndarray, faces: np.ndarray, face_rgb: np.ndarray, *, angle: str,
              size: tuple[int, int], background: tuple[int, int, int], forced: bool) -> Image.Image | None:
    """The GL image, or None (logged once) if this render failed and Pillow should draw it."""
    global _gl_render_failed_logged
    width, height = int(size[0]), int(size[1])
    rotation = _view_rotation(angle)
    clip = np.eye(4)
    if len(faces):
        centre, scale, half_depth = _framing(vertices @ rotation.T, width, height)
        # orthographic: view = rotation @ p; clip = diag(sx, sy, sz) @ (view - centre), nearer -> smaller z
        diagonal = np.array([2 * scale / width, 2 * scale / height, -1.0 / (1.02 * half_depth)])
        clip[:3, :3] = diagonal[:, None] * rotation
        clip[:3, 3] = -diagonal * centre
    try:
        return _render_gl().render(vertices, faces, face_rgb, clip=clip, view=rotation, lighting=LIGHTING,
                                size=(width, height), background=background)
    except Exception:
        if forced:
            raise
        if not _gl_render_failed_logged:
            _gl_render_failed_logged = True
            logger.exception("OpenGL preview failed, drawing this one with the Pillow renderer")
        return None
