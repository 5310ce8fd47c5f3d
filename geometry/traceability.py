"""
Traceability codes on the parts themselves: the code debossed where it does not show.

Where the code goes (``part`` is a name of :func:`.registry.build_parts`):

``upper``
  Inside the heel counter: on the inner face of the back wall, read from inside the shoe, centred
  :data:`UPPER_CODE_HEIGHT_MM` above the footbed at the heel.
``insole``
  Under the insole (its bottom face, on the bed), under the heel and arch, read from below.
``midsole``
  Under the midsole (the face that lies on the outsole), where the sole is most solid (a honeycomb
  midsole has cells right through it: the code is placed where the fewest letters fall into one).
``outsole``
  On the outsole's top face, which the midsole covers (its bottom is the tread, which shows and wears).

The letters are Pillow's bundled scalable font (Aileron), drawn bold, traced to polygons; they are cut
:data:`DEPTH_MM` deep into the surface, following its curve (the surface is measured with rays on a
grid and a cutter is built as a thin shell under it), with a manifold3d boolean. The result is one
watertight body.

Frames: each placement has a plane with axes ``u`` (the reader's right), ``v`` (the reader's up) and
``n`` (into the material, the direction the reader looks); a code outline is given in ``(u, v)``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np
import shapely
import shapely.affinity
import trimesh
from PIL import Image, ImageDraw, ImageFont

from ._manifold import cross_section, to_manifold, to_trimesh
from .errors import ParameterError

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
"""What a code may be: 1–16 characters, capitals, digits and hyphens (``S0042-UP-L-R1``)."""
DEPTH_MM = 0.6
"""How deep the letters are cut (three layers of 0.2 mm: readable, and a 1.8 mm wall keeps 1.2 mm)."""
LETTER_HEIGHT_MM = 5.0
"""Height of the capitals (about 0.9 mm strokes: two lines of a 0.4 mm nozzle)."""
UPPER_CODE_HEIGHT_MM = 16.0
"""Centre of the code above the footbed at the heel, inside the heel counter (below the lowest collar)."""
FONT_PX = 96
STROKE_PX = 4          # Pillow's stroke makes the regular face bold enough to print
SMOOTH_PX = 0.8        # simplification of the pixel staircase
OUTLINE_TOLERANCE_MM = 0.03  # the letters' outline, simplified: a tenth of a 0.4 mm nozzle's line, 10x fewer points
GRID_MM = 1.0          # rays every 1 mm measure the surface under the letters (a 40 mm curve sags 3 µm over 1 mm)
_AIR_MM = 1.5          # the cutter starts this far in front of the surface (in the air)
_RAY_BACK_MM = 25.0    # rays start this far in front of the plane's origin
TREAD_SHARE = 0.45     # the outsole's grooves are at most this share of its thickness (geometry.shoe)


@lru_cache(maxsize=256)
def code_outline(code: str, height_mm: float = LETTER_HEIGHT_MM) -> shapely.MultiPolygon:
    """
    Plan shape of ``code``: capitals ``height_mm`` tall, centred on the origin, ``u`` right and ``v`` up (mm).

    Raises
    ------
    ParameterError
      The code is not 1–16 capitals, digits or hyphens.
    """
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ParameterError("code", "a traceability code is 1–16 capitals, digits or hyphens", value=code,
                             allowed="A–Z, 0–9 and -, starting with a letter or digit")
    font = ImageFont.load_default(size=FONT_PX)
    left, top, right, bottom = font.getbbox(code, stroke_width=STROKE_PX)
    image = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(image).text((4 - left, 4 - top), code, fill=255, font=font, stroke_width=STROKE_PX,
                               stroke_fill=255)
    ink = np.asarray(image) > 127
    # the capitals' height: the ink of a capital letter of the same font (hyphens and digits share it)
    cap = font.getbbox("H", stroke_width=STROKE_PX)
    cap_px = cap[3] - cap[1]
    # runs of set pixels along each row: +1 where a run starts, -1 one past where it ends
    change = np.diff(np.pad(ink, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    start_r, start_c = np.nonzero(change == 1)
    _, end_c = np.nonzero(change == -1)
    runs = shapely.box(start_c, -(start_r + 1.0), end_c, -start_r.astype(float))
    merged = shapely.union_all(runs).simplify(SMOOTH_PX).buffer(0.4, join_style="round").buffer(-0.4)
    minx, miny, maxx, maxy = merged.bounds
    scale = height_mm / cap_px
    shape = shapely.affinity.affine_transform(
        merged, [scale, 0, 0, scale, -0.5 * (minx + maxx) * scale, -0.5 * (miny + maxy) * scale]
    ).simplify(OUTLINE_TOLERANCE_MM)
    parts = [g for g in shapely.get_parts(shape) if g.geom_type == "Polygon" and g.area > 0.01]
    return shapely.MultiPolygon(parts)


@dataclass(frozen=True)
class CodePlace:
    """
    Where a code is cut: the plane's origin and axes (all (3,) float, unit axes, mm).

    ``u`` is the reader's right, ``v`` the reader's up, ``n`` points into the material (the reader looks
    along it); the surface lies somewhere along ``n`` in front of or behind ``origin``.
    """

    origin: np.ndarray
    u: np.ndarray
    v: np.ndarray
    n: np.ndarray
    depth_mm: float = DEPTH_MM

    def matrix(self) -> np.ndarray:
        """(4, 4) float: local (u, v, n) coordinates to the mesh's frame."""
        out = np.eye(4)
        out[:3, 0], out[:3, 1], out[:3, 2], out[:3, 3] = self.u, self.v, self.n, self.origin
        return out


def _first_hits(mesh: trimesh.Trimesh, origins: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Distance along ``direction`` from each origin to the first surface hit; NaN where none. (r,) float."""
    directions = np.broadcast_to(direction, origins.shape)
    locations, index, _ = mesh.ray.intersects_location(origins, directions, multiple_hits=False)
    distance = np.full(len(origins), np.nan)
    distance[index] = np.einsum("ij,j->i", locations - origins[index], direction)
    return distance


def _heel_centre_y(mesh: trimesh.Trimesh, x0: float, x1: float) -> float:
    """Middle of the part across (y) between x0 and x1."""
    vertices = np.asarray(mesh.vertices)
    band = vertices[(vertices[:, 0] >= x0) & (vertices[:, 0] <= x1)]
    band = band if len(band) else vertices
    return 0.5 * float(band[:, 1].min() + band[:, 1].max())


def _upper_place(mesh: trimesh.Trimesh, size: tuple[float, float]) -> CodePlace:
    """Inside the heel counter, read from inside the shoe (looking towards the heel, -x)."""
    (x_min, _, _), (x_max, _, z_max) = mesh.bounds
    y_c = _heel_centre_y(mesh, x_min, x_min + 30.0)
    x_in = x_min + 0.15 * (x_max - x_min)
    # the footbed at the heel: the first surface a ray going down meets inside the counter
    down = _first_hits(mesh, np.array([[x_in, y_c, z_max + 10.0]]), np.array([0.0, 0.0, -1.0]))
    if not np.isfinite(down[0]):
        raise ParameterError("part", "the upper has no footbed under the heel to find the heel counter by",
                             value="upper")
    footbed_z = z_max + 10.0 - float(down[0])
    return CodePlace(origin=np.array([x_in, y_c, footbed_z + UPPER_CODE_HEIGHT_MM]),
                     u=np.array([0.0, 1.0, 0.0]), v=np.array([0.0, 0.0, 1.0]), n=np.array([-1.0, 0.0, 0.0]))


def _slice(mesh: trimesh.Trimesh, z: float) -> shapely.Geometry:
    """The solid's section at height ``z`` (manifold3d's slice: rings counter-clockwise around material)."""
    rings = np.array([shapely.Polygon(ring) for ring in to_manifold(mesh).slice(z).to_polygons() if len(ring) >= 3])
    if len(rings) == 0:
        return shapely.Polygon()
    around = shapely.is_ccw(shapely.get_exterior_ring(rings))
    return shapely.difference(shapely.union_all(rings[around]), shapely.union_all(rings[~around]))


def _flat_place(mesh: trimesh.Trimesh, size: tuple[float, float], *, from_below: bool,
                preferred: float) -> CodePlace:
    """
    Under (``from_below``) or on top of a flat part, the code along its length, at the x where a section
    just inside that face is most solid (ties go to ``preferred``, a fraction of the length).
    """
    (x_min, y_min, z_min), (x_max, y_max, z_max) = mesh.bounds
    length = x_max - x_min
    # the face's height where the code would rather go (a sprung toe makes z_max no guide for the top face)
    x_pref = x_min + preferred * length
    y_pref = _heel_centre_y(mesh, x_pref - 10.0, x_pref + 10.0)
    ray_z, direction = (z_min - 10.0, 1.0) if from_below else (z_max + 10.0, -1.0)
    depth = _first_hits(mesh, np.array([[x_pref, y_pref, ray_z]]), np.array([0.0, 0.0, direction]))[0]
    face_z = ray_z + direction * depth if np.isfinite(depth) else (z_min if from_below else z_max)
    z_face = face_z + 0.3 * direction
    solid = _slice(mesh, z_face)
    half_u, half_v = 0.5 * size[0] + 1.0, 0.5 * size[1] + 1.0
    centres = np.arange(x_min + half_u + 3.0, x_max - half_u - 3.0, 2.0)
    if len(centres) == 0:
        centres = np.array([0.5 * (x_min + x_max)])
    ys = np.array([_heel_centre_y(mesh, x - half_u, x + half_u) for x in centres])  # tens of stations
    boxes = shapely.box(centres - half_u, ys - half_v, centres + half_u, ys + half_v)
    covered = shapely.area(shapely.intersection(boxes, solid)) / (4 * half_u * half_v) if not solid.is_empty \
        else np.ones(len(centres))
    score = covered - 1e-3 * np.abs((centres - x_min) / max(length, 1e-9) - preferred)
    best = int(np.argmax(score))
    x_c, y_c = float(centres[best]), float(ys[best])
    if from_below:  # read from below: u along +x (toe to the right), v = n x u = -y
        return CodePlace(origin=np.array([x_c, y_c, face_z]), u=np.array([1.0, 0.0, 0.0]),
                         v=np.array([0.0, -1.0, 0.0]), n=np.array([0.0, 0.0, 1.0]))
    # a thin outsole keeps at least 70 % of its thickness over the tread grooves' floor under the code
    thickness_mm = face_z - z_min
    return CodePlace(origin=np.array([x_c, y_c, face_z]), u=np.array([1.0, 0.0, 0.0]),
                     v=np.array([0.0, 1.0, 0.0]), n=np.array([0.0, 0.0, -1.0]),
                     depth_mm=float(min(DEPTH_MM, 0.3 * (1.0 - TREAD_SHARE) * thickness_mm)))


def code_place(mesh: trimesh.Trimesh, code: str, *, part: str) -> CodePlace:
    """Where :func:`code_emboss` cuts ``code`` into this part (see the module docstring)."""
    minx, miny, maxx, maxy = code_outline(code).bounds
    size = (maxx - minx, maxy - miny)
    if part == "upper":
        return _upper_place(mesh, size)
    if part == "insole":
        return _flat_place(mesh, size, from_below=True, preferred=0.25)
    if part == "midsole":
        return _flat_place(mesh, size, from_below=True, preferred=0.2)
    if part == "outsole":
        return _flat_place(mesh, size, from_below=False, preferred=0.2)
    raise ParameterError("part", "there is no place for a code on this part", value=part,
                         allowed="upper, midsole, outsole, insole")


def _surface_shell(mesh: trimesh.Trimesh, place: CodePlace, bounds: tuple, depth_mm: float, *,
                   through_holes: bool) -> manifold3d.Manifold:
    """
    A thin solid following the surface over the code's rectangle: from :data:`_AIR_MM` in front of the
    surface to ``depth_mm`` behind it, measured with rays along ``n`` on a :data:`GRID_MM` grid.

    With ``through_holes`` (a flat face with cells through it), a ray that meets nothing, or meets a
    surface far from the face, stands for the face's typical depth; otherwise every ray must hit.
    """
    minx, miny, maxx, maxy = bounds
    u = np.arange(minx - 1.0, maxx + 1.0 + GRID_MM, GRID_MM)
    v = np.arange(miny - 1.0, maxy + 1.0 + GRID_MM, GRID_MM)
    U, V = np.meshgrid(u, v)                                                    # (nv, nu)
    origins = (place.origin + U.reshape(-1, 1) * place.u + V.reshape(-1, 1) * place.v
               - _RAY_BACK_MM * place.n)                                        # (nv*nu, 3)
    hit = _first_hits(mesh, origins, place.n) - _RAY_BACK_MM                    # depth of the surface along n
    found = np.isfinite(hit)
    if not found.any() or (not through_holes and not found.all()):
        raise ParameterError("part", "no surface was found where the code goes", value=int(found.sum()))
    if through_holes:
        # rays through a hole (a honeycomb cell) or far behind: take the typical surface there
        typical = float(np.median(hit[found]))
        hit = np.where(found & (np.abs(hit - typical) < 3.0), hit, typical)
    hit = hit.reshape(U.shape)
    front = hit - _AIR_MM
    back = hit + depth_mm
    nv, nu = U.shape
    # a closed grid solid: front sheet, back sheet and the four sides (local u, v, n coordinates)
    local = np.concatenate([np.stack([U, V, front], axis=-1).reshape(-1, 3),
                            np.stack([U, V, back], axis=-1).reshape(-1, 3)])
    index = np.arange(nv * nu).reshape(nv, nu)
    a, b, c, d = index[:-1, :-1], index[:-1, 1:], index[1:, 1:], index[1:, :-1]
    quads = np.stack([a, b, c, d], axis=-1).reshape(-1, 4)
    front_faces = np.concatenate([quads[:, [0, 2, 1]], quads[:, [0, 3, 2]]])
    back_faces = np.concatenate([quads[:, [0, 1, 2]], quads[:, [0, 2, 3]]]) + nv * nu
    ring = np.concatenate([index[0, :], index[1:, -1], index[-1, -2::-1], index[-2:0:-1, 0]])
    nxt = np.roll(ring, -1)
    sides = np.concatenate([np.stack([ring, nxt, nxt + nv * nu], axis=1),
                            np.stack([ring, nxt + nv * nu, ring + nv * nu], axis=1)])
    faces = np.concatenate([front_faces, back_faces, sides])
    shell = trimesh.Trimesh(vertices=trimesh.transform_points(local, place.matrix()), faces=faces, process=False)
    if shell.volume < 0:
        shell.invert()
    return to_manifold(shell)


def code_emboss(mesh: trimesh.Trimesh, code: str, *, part: str) -> trimesh.Trimesh:
    """
    The part with ``code`` cut ``depth_mm`` into a face that does not show (see the module docstring).

    Parameters
    ----------
    mesh : trimesh.Trimesh
      A watertight part in its own frame (as :func:`.registry.build_parts` builds it).
    code : str
      1–16 capitals, digits and hyphens (:data:`CODE_PATTERN`).
    part : str
      ``upper``, ``midsole``, ``outsole`` or ``insole``.

    The letters are :data:`DEPTH_MM` deep, less on a thin outsole (``code_place(...).depth_mm``).

    Returns
    -------
    mesh : trimesh.Trimesh
      A new mesh: watertight, one body, outward normals.

    Raises
    ------
    ParameterError
      Bad code, unknown part, or no surface where the code goes.
    """
    letters = code_outline(code)
    place = code_place(mesh, code, part=part)
    shell = _surface_shell(mesh, place, letters.bounds, place.depth_mm, through_holes=part != "upper")
    # the letters as a prism along n, far longer than any depth the surface lies at
    prism = manifold3d.Manifold.extrude(cross_section(letters), 400.0).translate((0.0, 0.0, -200.0))
    local = place.matrix()[:3, :]
    cutter = prism.transform(local) ^ shell
    result = to_trimesh(to_manifold(mesh) - cutter)
    if not (result.is_watertight and result.is_winding_consistent):
        raise ParameterError("code", "the code could not be cut into this part cleanly", value=code)
    return result


def code_region(original: trimesh.Trimesh, embossed: trimesh.Trimesh, place: CodePlace, *,
                bounds: tuple | None = None, pixel_mm: float = 0.2) -> shapely.Geometry:
    """
    Where the embossed surface lies deeper than the original, seen along the place's ``n``: rays on a
    ``pixel_mm`` grid over ``bounds`` (u0, v0, u1, v1; by default the place's code area and 3 mm around)
    meet both meshes; a pixel is set where the embossed surface is over half the place's depth further.
    This reads the code back from the result alone.

    Returns
    -------
    region : shapely geometry
      Union of the set pixels' squares, in the (u, v) plane (mm).
    """
    u0, v0, u1, v1 = bounds if bounds is not None else (-40.0, -8.0, 40.0, 8.0)
    u = np.arange(u0, u1, pixel_mm) + 0.5 * pixel_mm
    v = np.arange(v0, v1, pixel_mm) + 0.5 * pixel_mm
    U, V = np.meshgrid(u, v)
    origins = (place.origin + U.reshape(-1, 1) * place.u + V.reshape(-1, 1) * place.v - _RAY_BACK_MM * place.n)
    before = _first_hits(original, origins, place.n)
    after = _first_hits(embossed, origins, place.n)
    sunk = np.isfinite(before) & (np.nan_to_num(after, nan=np.inf) - before > 0.5 * place.depth_mm)
    cells = shapely.box(U.reshape(-1)[sunk] - 0.5 * pixel_mm, V.reshape(-1)[sunk] - 0.5 * pixel_mm,
                        U.reshape(-1)[sunk] + 0.5 * pixel_mm, V.reshape(-1)[sunk] + 0.5 * pixel_mm)
    return shapely.union_all(cells) if len(cells) else shapely.Polygon()
