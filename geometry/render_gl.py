"""
Headless OpenGL preview renderer: moderngl on a standalone EGL context (Mesa llvmpipe without a GPU).

Imported lazily by :mod:`geometry.render` only; importing this module imports moderngl, and
creating the context needs ``libEGL``. Callers catch every exception and fall back to the Pillow renderer.

One context per process, created on first use in the process that renders and kept in a module global;
a lock serialises rendering between threads, and each render makes the context current on the calling
thread. Mesa cannot start again in a child forked after the parent initialised EGL (its rasteriser
threads are not copied by fork, and a new context waits for them forever), so such a child refuses GL and
the caller falls back to Pillow. With Celery prefork the master never renders, so every worker child
creates its own context on its first preview.
"""
from __future__ import annotations

import os
import threading

import moderngl
import numpy as np
from PIL import Image

SAMPLES = 4                # MSAA samples (llvmpipe supports 4)
COLOR_TEXTURE_WIDTH = 4096  # per-face colours live in a 2D texture, this many faces per row
_MAX_CACHED_TARGETS = 4     # framebuffers kept for the most recent image sizes

_VERTEX_SHADER = """
#version 330
uniform mat4 u_clip;   // world (mm) -> clip space, orthographic
uniform mat3 u_view;   // world -> view rotation: x right, y up, z towards the camera
in vec3 in_position;
in vec3 in_normal;
out vec3 v_position;
out vec3 v_normal;
void main() {
    v_position = u_view * in_position;
    v_normal = u_view * in_normal;
    gl_Position = u_clip * vec4(in_position, 1.0);
}
"""

_FRAGMENT_SHADER = """
#version 330
uniform sampler2D u_colors;   // RGB of face i at texel (i % width, i / width)
uniform int u_width;
uniform vec3 u_key;           // light directions in view space (unit, towards the light)
uniform vec3 u_fill;
uniform vec4 u_terms;         // ambient, key, fill, specular weights
uniform float u_shininess;
uniform float u_crease_cos;   // smooth only where the vertex normal is this close to the face normal
in vec3 v_position;
in vec3 v_normal;
out vec4 f_color;
void main() {
    // flat normal from screen-space derivatives: always faces the camera (two-sided lighting)
    vec3 face_n = normalize(cross(dFdx(v_position), dFdy(v_position)));
    vec3 n = face_n;
    float len = length(v_normal);
    if (len > 1e-6) {
        vec3 smooth_n = v_normal / len;
        if (dot(smooth_n, face_n) < 0.0) smooth_n = -smooth_n;  // seen from behind, e.g. inside the shoe
        if (dot(smooth_n, face_n) > u_crease_cos) n = smooth_n;   // keep sharp edges sharp
    }
    int id = gl_PrimitiveID;
    vec3 base = texelFetch(u_colors, ivec2(id % u_width, id / u_width), 0).rgb;
    float light = u_terms.x + u_terms.y * max(dot(n, u_key), 0.0) + u_terms.z * max(dot(n, u_fill), 0.0);
    vec3 half_vector = normalize(u_key + vec3(0.0, 0.0, 1.0));
    float specular = u_terms.w * pow(max(dot(n, half_vector), 0.0), u_shininess);
    f_color = vec4(min(base * light + specular, vec3(1.0)), 1.0);
}
"""


class _State:
    """The process's context, program and framebuffers (created together, dropped together)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.ctx = moderngl.create_context(standalone=True, backend="egl", require=330)
        self.program = self.ctx.program(vertex_shader=_VERTEX_SHADER, fragment_shader=_FRAGMENT_SHADER)
        self.targets: dict[tuple[int, int], tuple] = {}

    def target(self, width: int, height: int) -> tuple:
        """Multisampled framebuffer and its single-sample resolve target for this size (cached)."""
        key = (width, height)
        if key not in self.targets:
            if len(self.targets) >= _MAX_CACHED_TARGETS:
                for obj in self.targets.pop(next(iter(self.targets))):
                    obj.release()
            ctx = self.ctx
            samples = min(SAMPLES, ctx.max_samples)
            colour_ms = ctx.renderbuffer((width, height), 4, samples=samples)
            depth_ms = ctx.depth_renderbuffer((width, height), samples=samples)
            colour = ctx.renderbuffer((width, height), 4)
            multisampled = ctx.framebuffer(color_attachments=[colour_ms], depth_attachment=depth_ms)
            resolved = ctx.framebuffer(color_attachments=[colour])
            self.targets[key] = (multisampled, resolved, colour_ms, depth_ms, colour)
        return self.targets[key]


_STATE: _State | None = None
_INHERITED: list = []  # contexts from a parent process: never touched again, kept so nothing finalises them
_LOCK = threading.RLock()


def _forget_after_fork() -> None:
    global _STATE, _LOCK
    if _STATE is not None:
        _INHERITED.append(_STATE)
    _STATE = None
    _LOCK = threading.RLock()  # a lock held by another thread at fork time would never be released


os.register_at_fork(after_in_child=_forget_after_fork)


def _state() -> _State:
    """The context of this process, created on first use."""
    global _STATE
    if _STATE is not None and _STATE.pid != os.getpid():  # forked without the hook (should not happen)
        _forget_after_fork()
    if _INHERITED:
        raise RuntimeError("EGL was initialised in a parent process before it forked this one; Mesa cannot "
                           "start again here (render only in the processes that fork nothing after rendering)")
    if _STATE is None:
        _STATE = _State()
    return _STATE


def available() -> str:
    """Create (or reuse) the context; return the GL renderer's name. Raises if EGL / GL is unusable."""
    with _LOCK:
        state = _state()
        return state.ctx.info["GL_RENDERER"]


def render(vertices: np.ndarray, faces: np.ndarray, face_rgb: np.ndarray, *, clip: np.ndarray,
           view: np.ndarray, lighting: dict, size: tuple[int, int], background: tuple[int, int, int]
           ) -> Image.Image:
    """
    Draw a triangle mesh with per-face colours; return the image (RGB).

    Parameters
    ----------
    vertices : (n, 3) float
      World positions, mm.
    faces : (f, 3) int
      Indices into ``vertices``.
    face_rgb : (f, 3) uint8
      Colour of each face.
    clip : (4, 4) float
      World -> clip-space matrix (orthographic; depth mapped into [-1, 1], nearer is smaller).
    view : (3, 3) float
      World -> view rotation (x right, y up, z towards the camera); used for lighting.
    lighting : dict
      ``key, fill`` (3,) unit vectors in view space; ``ambient, key_weight, fill_weight, specular,
      shininess, crease_degrees`` floats.
    size : (2,) int
      Width and height in pixels.
    background : (3,) int
      RGB, 0..255.
    """
    width, height = int(size[0]), int(size[1])
    vertices = np.ascontiguousarray(vertices, np.float32)
    faces = np.ascontiguousarray(faces, np.uint32)
    # area-weighted vertex normals: unnormalised face normals summed onto their corners, per component
    triangles = vertices[faces]
    face_normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    corners = faces.ravel()
    normals = np.column_stack([np.bincount(corners, np.repeat(face_normals[:, k], 3), minlength=len(vertices))
                               for k in range(3)]).astype(np.float32)
    # per-face colours padded to whole texture rows
    rows = max(1, -(-len(faces) // COLOR_TEXTURE_WIDTH))
    colour_texels = np.zeros((rows * COLOR_TEXTURE_WIDTH, 3), np.uint8)
    colour_texels[:len(faces)] = face_rgb

    with _LOCK:
        state = _state()
        ctx, program = state.ctx, state.program
        with ctx:  # make the context current on this thread
            multisampled, resolved = state.target(width, height)[:2]
            resources = []
            try:
                texture = ctx.texture((COLOR_TEXTURE_WIDTH, rows), 3, colour_texels.tobytes(), alignment=1)
                texture.filter = (moderngl.NEAREST, moderngl.NEAREST)
                resources.append(texture)
                program["u_clip"].write(np.ascontiguousarray(clip.T, np.float32).tobytes())  # column-major
                program["u_view"].write(np.ascontiguousarray(view.T, np.float32).tobytes())
                program["u_width"].value = COLOR_TEXTURE_WIDTH
                program["u_key"].value = tuple(float(v) for v in lighting["key"])
                program["u_fill"].value = tuple(float(v) for v in lighting["fill"])
                program["u_terms"].value = (lighting["ambient"], lighting["key_weight"], lighting["fill_weight"],
                                            lighting["specular"])
                program["u_shininess"].value = lighting["shininess"]
                program["u_crease_cos"].value = float(np.cos(np.radians(lighting["crease_degrees"])))
                program["u_colors"].value = 0
                multisampled.use()
                ctx.clear(*(c / 255.0 for c in background), 1.0, depth=1.0)
                if len(faces):
                    positions = ctx.buffer(vertices.tobytes())
                    normal_buffer = ctx.buffer(normals.tobytes())
                    index = ctx.buffer(faces.tobytes())
                    resources += [positions, normal_buffer, index]
                    vao = ctx.vertex_array(program, [(positions, "3f", "in_position"),
                                                     (normal_buffer, "3f", "in_normal")],
                                           index_buffer=index, index_element_size=4)
                    resources.append(vao)
                    texture.use(0)
                    ctx.enable(moderngl.DEPTH_TEST)
                    ctx.disable(moderngl.CULL_FACE)
                    vao.render(moderngl.TRIANGLES)
                ctx.copy_framebuffer(resolved, multisampled)  # resolve the MSAA samples
                data = resolved.read(components=3, alignment=1)
            finally:
                for resource in reversed(resources):
                    resource.release()
    # OpenGL rows start at the bottom
    return Image.frombytes("RGB", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
