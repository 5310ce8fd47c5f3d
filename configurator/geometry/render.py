"""Preview images: a CPU painter's-algorithm renderer with Pillow and numpy."""
from __future__ import annotations

import io

import numpy as np
import trimesh
from PIL import Image, ImageColor, ImageDraw

# 3/4 view: from the front-lateral side (-y for a right foot) and above
VIEW_FROM = np.array([0.5, -0.9, 1.0])
LIGHT_FROM = np.array([-0.55, -0.25, 0.6])
SUPERSAMPLE = 2


def _basis(view_from: np.ndarray) -> np.ndarray:
    """
    Orthonormal camera basis for an orthographic camera looking towards ``-view_from``.

    Returns
    -------
    basis : (3, 3) float
      Rows: screen right, screen up, forward (away from the camera).
    """
    forward = -view_from / np.linalg.norm(view_from)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return np.stack([right, up, forward])


def png(mesh: trimesh.Trimesh, *, size: tuple[int, int] = (640, 480), color: str = "#c8553d",
        background: str = "#ffffff") -> bytes:
    """
    Render a flat-shaded 3/4 view of ``mesh`` to PNG bytes.

    Faces facing away are culled, the rest are painted far to near (painter's algorithm) with
    Lambert shading, at ``SUPERSAMPLE`` times the size, then downsampled for antialiasing.

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
    width, height = int(size[0]), int(size[1])
    big_w, big_h = width * SUPERSAMPLE, height * SUPERSAMPLE
    image = Image.new("RGB", (big_w, big_h), ImageColor.getrgb(background))
    faces = np.asarray(mesh.faces)
    if len(faces):
        basis = _basis(VIEW_FROM)
        camera = np.asarray(mesh.vertices, float) @ basis.T  # (n, 3): screen x, screen y, depth
        triangles = camera[faces]  # (f, 3, 3)
        # the camera frame (right, up, forward) is left-handed, so the cross product is negated
        normals = -np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
        lengths = np.linalg.norm(normals, axis=1)
        visible = (normals[:, 2] < 0) & (lengths > 0)  # facing the camera (forward is +depth)
        triangles, normals = triangles[visible], normals[visible] / lengths[visible, None]
        # fit the projected bounding box into the image with a margin, y pointing down
        low, high = camera[:, :2].min(axis=0), camera[:, :2].max(axis=0)
        scale = 0.88 * min(big_w / max(high[0] - low[0], 1e-9), big_h / max(high[1] - low[1], 1e-9))
        centre = (low + high) / 2
        screen = np.empty(triangles.shape[:2] + (2,))
        screen[..., 0] = (triangles[..., 0] - centre[0]) * scale + big_w / 2
        screen[..., 1] = big_h / 2 - (triangles[..., 1] - centre[1]) * scale
        # Lambert shading with the light expressed in camera coordinates (normals are camera-space)
        light = basis @ (LIGHT_FROM / np.linalg.norm(LIGHT_FROM))
        intensity = 0.32 + 0.75 * np.clip(normals @ light, 0.0, 1.0)
        rgb = np.clip(np.outer(intensity, ImageColor.getrgb(color)[:3]), 0, 255).astype(np.uint8)
        order = np.argsort(-triangles[:, :, 2].mean(axis=1), kind="stable")  # far first
        draw = ImageDraw.Draw(image)
        polygon, fill = draw.polygon, list(map(tuple, rgb[order].tolist()))
        for points, colour in zip(screen[order].reshape(-1, 6).tolist(), fill):  # one Pillow call per face
            polygon(points, fill=colour)
    if SUPERSAMPLE > 1:
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
