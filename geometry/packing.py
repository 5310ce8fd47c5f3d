"""
Build plates: the projected outline of a part on the bed, and parts packed onto as few plates as we can.

Frame: the bed's, as PrusaSlicer's (origin at the bed's front-left corner, x to the right, y to the back,
z up), millimetres. A :class:`Placement` turns a part's own frame into the bed's: rotate about +Z through
the origin by ``rotation_deg`` (counter-clockwise seen from above), then translate by ``(x_mm, y_mm)``.

How it packs (a raster bottom-left fill with exact checks)
------------------------------------------------------------
Parts are taken largest first. Each goes onto the first open plate where it fits, else onto a new
plate. On a plate, every candidate angle (the axis angles and the angles that square the part's
minimum rotated rectangle to the bed, see :func:`candidate_angles`) is tried: the plate's occupied area,
grown by the spacing, and the rotated part are rasterised conservatively (every pixel a shape touches
is set) at :data:`RESOLUTION_MM`, and one FFT cross-correlation gives, for every pixel offset at once,
whether the part would touch the grown area. Among the free offsets the lowest top edge wins, then the
leftmost. The chosen position is then checked exactly with shapely (distance to every part on the plate
at least the spacing, inside the bed); the raster only proposes.

Why not a library: spyrrow 0.9 (Python bindings of sparrow / jagua-rs, maintained, installs here) packs
one *strip* of fixed height and minimises its length, with a time budget of whole seconds per solve; it
has no fixed-size bins, so filling N plates takes one or more solves per plate (>= 1 s each).
pynest2d (libnest2d) has no wheel for Python 3.11 here, ironnest needs Python >= 3.13. See
docs/readme/plates-and-slicer.md for the comparison.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import shapely
import shapely.affinity
import trimesh
from PIL import Image, ImageDraw
from scipy import fft as sfft

from .errors import ParameterError

PLATE_SPACING_MM = 5.0
"""Smallest gap between two parts' outlines on a plate. At least 5 mm: the nozzle and its silicone sock
(about 10 mm across) pass between parts without touching the neighbour's top layers, and a flexible
TPU part can be peeled off without lifting its neighbour."""
FOOTPRINT_TOLERANCE_MM = 0.2
"""The footprint is simplified with this tolerance, then grown by it, so it never lies inside the part."""
RESOLUTION_MM = 1.0
"""Pixel size of the packing raster (positions are found on this grid, then checked exactly)."""
OPEN_PLATES = 3
"""Plates kept open for later, smaller parts (first fit over these; older plates are closed)."""
_VERTICAL_NZ = 1e-9  # faces with |n_z| below this project to a line and add nothing to the outline
_RASTER_GROW_PX = 1.0  # shapes are grown by one pixel before rasterising, so every pixel they touch is set


# ---------------------------------------------------------------------------------------------------- footprint

def footprint(mesh: trimesh.Trimesh, *, tolerance_mm: float = FOOTPRINT_TOLERANCE_MM) -> shapely.Polygon:
    """
    The outline of the mesh projected onto the bed (its shadow from above), simplified, never smaller.

    The shadow of a closed surface is the union of its up-facing triangles projected to XY (every
    vertical line through the solid leaves it through an up-facing face); an open mesh uses every
    non-vertical face. Holes (a honeycomb midsole's cells) are filled: nothing is packed inside a part.
    The outline is simplified with ``tolerance_mm`` and grown by it, so it covers the exact shadow.
    Separate pieces of shadow are joined by their convex hull.

    Parameters
    ----------
    mesh : trimesh.Trimesh
      In mm, in its own frame (the frame a :class:`Placement` rotates and moves).
    tolerance_mm : float
      Simplification tolerance; the outline lies at most about twice this outside the shadow.

    Returns
    -------
    outline : shapely.Polygon
      Without holes, counter-clockwise.

    Raises
    ------
    ParameterError
      The mesh has no face that casts a shadow.
    """
    triangles = np.asarray(mesh.triangles, float)[:, :, :2]        # (f, 3, 2)
    normal_z = np.asarray(mesh.face_normals, float)[:, 2]           # (f,)
    watertight = mesh.is_watertight
    keep = normal_z > _VERTICAL_NZ if watertight else np.abs(normal_z) > _VERTICAL_NZ
    if not keep.any():
        raise ParameterError("mesh", "the part casts no shadow on the bed (no face that is not vertical)",
                             value=len(mesh.faces))
    # each kept triangle as a closed ring (first corner repeated)
    rings = np.concatenate([triangles[keep], triangles[keep][:, :1]], axis=1)
    triangles_2d = shapely.make_valid(shapely.polygons(rings))
    shadow = _shadow_by_silhouette(mesh, keep, triangles_2d) if watertight else None
    if shadow is None:
        shadow = _union(triangles_2d)
    pieces = [g for g in shapely.get_parts(shadow) if g.geom_type == "Polygon" and not g.is_empty]
    if not pieces:
        raise ParameterError("mesh", "the part's shadow on the bed is empty", value=len(mesh.faces))
    whole = pieces[0] if len(pieces) == 1 else shapely.MultiPolygon(pieces).convex_hull
    solid = shapely.Polygon(whole.exterior)
    outline = solid.simplify(tolerance_mm).buffer(tolerance_mm, quad_segs=2)
    if outline.geom_type != "Polygon" or not outline.covers(solid):
        outline = solid.buffer(tolerance_mm, quad_segs=2)  # rare: simplification folded the ring
    return shapely.orient_polygons(shapely.Polygon(outline.exterior))


def _union(geometries) -> shapely.Geometry:
    try:
        return shapely.union_all(geometries)
    except shapely.errors.GEOSException:  # near-coincident edges GEOS cannot node: union on a 1 µm grid instead
        return shapely.union_all(geometries, grid_size=0.001)


def _shadow_by_silhouette(mesh: trimesh.Trimesh, up: np.ndarray, triangles_2d: np.ndarray) -> shapely.Geometry | None:
    """
    The union of the up-facing triangles, found from their silhouette instead of by uniting them all.

    An edge between two up-facing triangles has shadow on both sides, so the shadow's boundary lies on the
    edges between an up-facing face and one that is not (the silhouette, a few percent of the edges). Those
    edges, noded, cut the plane into faces that are each wholly inside or wholly outside the shadow; a face
    is inside when a point inside it lies in an up-facing triangle (an exact STRtree query). Ten times
    faster than uniting every triangle; None when GEOS cannot node the edges (the caller unites instead).
    """
    pairs = np.asarray(mesh.face_adjacency)
    silhouette = up[pairs[:, 0]] != up[pairs[:, 1]]
    if not silhouette.any():
        return None
    segments = np.asarray(mesh.vertices, float)[np.asarray(mesh.face_adjacency_edges)[silhouette]][:, :, :2]
    try:
        noded = shapely.union_all(shapely.linestrings(segments))
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    except shapely.errors.GEOSException:
        return None
    if len(faces) == 0:
        return None
    probes = shapely.point_on_surface(faces)
    hit_probe, _ = shapely.STRtree(triangles_2d).query(probes, predicate="intersects")
    inside = np.zeros(len(faces), bool)
    inside[hit_probe] = True
    return _union(faces[inside]) if inside.any() else None


# ---------------------------------------------------------------------------------------------- data classes

@dataclass(frozen=True)
class PackPart:
    """A part to place: its key (unique in one call) and its outline in its own frame (mm)."""

    key: str
    outline: shapely.Polygon


@dataclass(frozen=True)
class Placement:
    """Where a part goes: rotate its own frame about +Z by ``rotation_deg``, then move by ``(x_mm, y_mm)``."""

    key: str
    x_mm: float
    y_mm: float
    rotation_deg: float


@dataclass
class PlateLayout:
    """One plate: the placements of the parts on it, in the order they were placed."""

    placements: list[Placement] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.placements]


def placement_matrix(placement: Placement) -> np.ndarray:
    """
    The part-to-bed transform of a placement.

    Returns
    -------
    matrix : (4, 4) float
      Rotation about +Z by ``rotation_deg`` followed by the translation ``(x_mm, y_mm, 0)``.
    """
    angle = math.radians(placement.rotation_deg)
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0, placement.x_mm],
                     [s, c, 0.0, placement.y_mm],
                     [0.0, 0.0, 1.0, 0.0],
                     [0.0, 0.0, 0.0, 1.0]])


def place_outline(outline: shapely.Polygon, placement: Placement) -> shapely.Polygon:
    """The outline where the placement puts it on the bed."""
    turned = shapely.affinity.rotate(outline, placement.rotation_deg, origin=(0.0, 0.0))
    return shapely.affinity.translate(turned, placement.x_mm, placement.y_mm)


def place_mesh(mesh: trimesh.Trimesh, placement: Placement) -> trimesh.Trimesh:
    """A copy of the mesh where the placement puts it, its lowest point on the bed (z = 0)."""
    placed = mesh.copy()
    placed.apply_transform(placement_matrix(placement))
    placed.apply_translation((0.0, 0.0, -float(placed.bounds[0, 2])))
    return placed


def fits_bed(outline: shapely.Polygon, *, bed_mm: tuple[float, float]) -> bool:
    """Whether the outline fits an empty bed at one of the angles :func:`pack` tries."""
    return any(_fits_empty(_rotated(outline, angle), bed_mm) for angle in candidate_angles(outline))


# -------------------------------------------------------------------------------------------------- packing

def candidate_angles(outline: shapely.Polygon) -> list[float]:
    """
    Angles (degrees, [0, 360)) tried for a part: 0, 90, 180, 270, and the four that turn the sides of the
    outline's minimum rotated rectangle parallel to the bed's edges (a long part lies along x or y).
    """
    ring = np.asarray(shapely.minimum_rotated_rectangle(outline).exterior.coords)  # (5, 2)
    edge = ring[1] - ring[0]
    square = -math.degrees(math.atan2(edge[1], edge[0]))  # turns that side onto the x axis
    angles = np.round(np.r_[0.0, 90.0, 180.0, 270.0, square + np.array([0.0, 90.0, 180.0, 270.0])] % 360.0, 6)
    return sorted(set(float(a) for a in angles % 360.0))


def _rotated(outline: shapely.Polygon, angle_deg: float) -> shapely.Polygon:
    return shapely.affinity.rotate(outline, angle_deg, origin=(0.0, 0.0))


def _fits_empty(turned: shapely.Polygon, bed_mm) -> bool:
    minx, miny, maxx, maxy = turned.bounds
    return maxx - minx <= bed_mm[0] and maxy - miny <= bed_mm[1]


def _raster(geometry, shape: tuple[int, int], origin_mm: tuple[float, float], pixel_mm: float) -> np.ndarray:
    """
    Pixels (rows along y, columns along x) that ``geometry`` touches, conservatively.

    Pixel ``(i, j)`` is the square ``origin + [j, j+1) x [i, i+1)`` pixels. The geometry is grown by
    :data:`_RASTER_GROW_PX` (more than half a pixel's diagonal) and filled by pixel centres, so any pixel
    the original geometry touches is set.

    Returns
    -------
    mask : (rows, cols) float32, 0 or 1
    """
    image = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(image)
    grown = shapely.buffer(geometry, _RASTER_GROW_PX * pixel_mm, quad_segs=4)
    for polygon in shapely.get_parts(grown):  # a handful of polygons per plate, not vertices
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        exterior = (np.asarray(polygon.exterior.coords) - origin_mm) / pixel_mm
        draw.polygon(exterior.ravel().tolist(), fill=1)  # a flat x0, y0, x1... list: no tuple per vertex
        for hole in polygon.interiors:
            inner = (np.asarray(hole.coords) - origin_mm) / pixel_mm
            if shapely.Polygon(hole).area > 4 * pixel_mm ** 2:  # keep small holes filled (conservative)
                draw.polygon(inner.ravel().tolist(), fill=0)
    return np.asarray(image, np.float32)


@dataclass
class _Plate:
    """A plate being filled: placed outlines, the grown occupied area's raster spectrum (lazy)."""

    bed_mm: tuple[float, float]
    spacing_mm: float
    pixel_mm: float
    pad_px: int
    fft_shape: tuple[int, int]
    layout: PlateLayout = field(default_factory=PlateLayout)
    placed: list[shapely.Polygon] = field(default_factory=list)
    free_area_mm2: float = 0.0
    smallest_refused_mm2: float = math.inf  # the smallest outline that found no room since the last part was added
    _spectrum: np.ndarray | None = None

    def spectrum(self) -> np.ndarray:
        """rfft2 of the occupied area grown by the spacing, on the padded grid (cached until a part is added)."""
        if self._spectrum is None:
            rows = math.ceil(self.bed_mm[1] / self.pixel_mm) + 2 * self.pad_px
            cols = math.ceil(self.bed_mm[0] / self.pixel_mm) + 2 * self.pad_px
            origin = (-self.pad_px * self.pixel_mm, -self.pad_px * self.pixel_mm)
            grown = shapely.union_all(shapely.buffer(self.placed, self.spacing_mm, quad_segs=8)) \
                if self.placed else shapely.Polygon()
            occupied = _raster(grown, (rows, cols), origin, self.pixel_mm) if self.placed \
                else np.zeros((rows, cols), np.float32)
            self._spectrum = sfft.rfft2(occupied.astype(np.float32), s=self.fft_shape, workers=1)
        return self._spectrum

    def add(self, placement: Placement, placed: shapely.Polygon) -> None:
        self.layout.placements.append(placement)
        self.placed.append(placed)
        self.free_area_mm2 -= placed.area
        self.smallest_refused_mm2 = math.inf
        self._spectrum = None

    def clear_of(self, placed: shapely.Polygon) -> bool:
        """Exact check: inside the bed and at least the spacing from every part on the plate."""
        minx, miny, maxx, maxy = placed.bounds
        eps = 1e-6
        if minx < -eps or miny < -eps or maxx > self.bed_mm[0] + eps or maxy > self.bed_mm[1] + eps:
            return False
        if not self.placed:
            return True
        # a hair over the spacing, so the check holds for coordinates read back from a file too
        return bool(np.all(shapely.distance(placed, self.placed) >= self.spacing_mm + 1e-6))


def _best_position(plate: _Plate, turned: shapely.Polygon, angle_deg: float,
                   kernels: dict) -> tuple[float, Placement, shapely.Polygon] | None:
    """The best free position of one rotated outline on a plate: (score, placement, placed outline)."""
    px, pad = plate.pixel_mm, plate.pad_px
    minx, miny, maxx, maxy = turned.bounds
    width, height = maxx - minx, maxy - miny
    if width > plate.bed_mm[0] or height > plate.bed_mm[1]:
        return None
    if not plate.placed:  # an empty plate: the bottom-left corner, no raster needed
        placed = shapely.affinity.translate(turned, -minx, -miny)
        return height * 1e4 + width, Placement("", float(-minx), float(-miny), float(angle_deg)), placed
    key = id(turned)
    if key not in kernels:
        rows, cols = math.ceil(height / px) + 2 * pad, math.ceil(width / px) + 2 * pad
        mask = _raster(turned, (rows, cols), (minx - pad * px, miny - pad * px), px)
        # flipped, so the convolution below is the cross-correlation of the plate with the part
        # conjugated: the product below is the (circular) cross-correlation of the plate with the part
        kernels[key] = np.conj(sfft.rfft2(mask.astype(np.float32), s=plate.fft_shape, workers=1))
    # hits[ty, tx] = number of pixels the part, moved by (tx, ty) pixels, shares with the grown occupied area;
    # for every offset that keeps the part on the bed the kernel ends inside the padded plate, so nothing wraps
    full = sfft.irfft2(plate.spectrum() * kernels[key], s=plate.fft_shape, workers=1)
    n_ty = math.floor((plate.bed_mm[1] - height) / px + 1e-9) + 1
    n_tx = math.floor((plate.bed_mm[0] - width) / px + 1e-9) + 1
    hits = full[:n_ty, :n_tx]
    free_ty, free_tx = np.nonzero(hits < 0.5)
    if len(free_ty) == 0:
        return None
    # lowest top edge first, then leftmost (a bottom-left fill); try the best few exactly
    order = np.lexsort((free_tx, free_ty))[:16]
    for index in order:
        x_mm, y_mm = free_tx[index] * px - minx, free_ty[index] * px - miny
        placement = Placement("", float(x_mm), float(y_mm), float(angle_deg))
        placed = shapely.affinity.translate(turned, x_mm, y_mm)
        if plate.clear_of(placed):
            score = (free_ty[index] * px + height) * 1e4 + free_tx[index] * px + width
            return float(score), placement, placed
    return None


def pack(parts: Sequence[PackPart], *, bed_mm: tuple[float, float], spacing_mm: float = PLATE_SPACING_MM,
         resolution_mm: float = RESOLUTION_MM, open_plates: int = OPEN_PLATES) -> list[PlateLayout]:
    """
    Pack parts onto as few plates of ``bed_mm`` as this heuristic finds (see the module docstring).

    Parameters
    ----------
    parts : Sequence[PackPart]
      Unique keys; outlines as :func:`footprint` gives them (mm, each part's own frame).
    bed_mm : (2,) float
      Usable bed size along x and y (the printer's build volume, from :mod:`.printers`).
    spacing_mm : float
      Smallest gap between two outlines, at least 5 mm.
    resolution_mm : float
      Pixel size of the search raster (positions are checked exactly afterwards).
    open_plates : int
      How many of the latest plates are still tried for a new part.

    Returns
    -------
    plates : list of PlateLayout
      Every part exactly once. Placed outlines (:func:`place_outline`) lie inside
      ``[0, bed_x] x [0, bed_y]`` and at least ``spacing_mm`` apart.

    Raises
    ------
    ParameterError
      A key repeated, an empty outline, spacing under 5 mm, or a part that does not fit an empty bed
      (the error names it).
    """
    bed_mm = (float(bed_mm[0]), float(bed_mm[1]))
    if not (bed_mm[0] > 0 and bed_mm[1] > 0):
        raise ParameterError("bed_mm", "the bed must have a positive size", value=bed_mm, allowed="> 0 mm")
    if not spacing_mm >= 5.0:
        raise ParameterError("spacing_mm", "parts on a plate must stay apart", value=spacing_mm,
                             allowed="at least 5 mm")
    keys = [part.key for part in parts]
    if len(set(keys)) != len(keys):
        repeated = next(k for k in keys if keys.count(k) > 1)
        raise ParameterError("parts", "every part's key must be unique", value=repeated)
    for part in parts:
        if part.outline is None or part.outline.is_empty or part.outline.area <= 0:
            raise ParameterError("outline", f"part {part.key} has an empty outline", value=part.key)
    turned = {part.key: [(angle, _rotated(part.outline, angle)) for angle in candidate_angles(part.outline)]
              for part in parts}
    for part in parts:
        if not any(_fits_empty(shape, bed_mm) for _, shape in turned[part.key]):
            minx, miny, maxx, maxy = part.outline.bounds
            raise ParameterError("parts", f"part {part.key} does not fit the {bed_mm[0]:g} x {bed_mm[1]:g} mm bed "
                                 "at any angle", value=part.key,
                                 allowed=f"outline up to {bed_mm[0]:g} x {bed_mm[1]:g} mm")

    pad = math.ceil(_RASTER_GROW_PX) + 2
    rows = math.ceil(bed_mm[1] / resolution_mm) + 2 * pad
    cols = math.ceil(bed_mm[0] / resolution_mm) + 2 * pad
    # the padded plate and a little slack: a part that fits the bed fits this grid, so correlations do not wrap
    fft_shape = (sfft.next_fast_len(rows + 2, real=True), sfft.next_fast_len(cols + 2, real=True))
    plates: list[_Plate] = []
    # largest first; the key breaks ties so the result does not depend on the input order
    for part in sorted(parts, key=lambda p: (-round(p.outline.area, 3), p.key)):
        chosen = None
        kernels: dict = {}  # this part's rotated rasters' spectra (about 1 MB each): reused across plates, then dropped
        for plate in plates[-open_plates:]:
            # no room by area, or a part no larger already found none on this plate as it is (parts come
            # largest first, so this skips the plates that are full for the rest of the batch)
            if plate.free_area_mm2 < part.outline.area or part.outline.area >= 0.98 * plate.smallest_refused_mm2:
                continue
            candidates = [found for angle, shape in turned[part.key]
                          if (found := _best_position(plate, shape, angle, kernels)) is not None]
            if candidates:
                chosen = plate, min(candidates, key=lambda c: c[0])
                break
            plate.smallest_refused_mm2 = min(plate.smallest_refused_mm2, part.outline.area)
        if chosen is None:
            plate = _Plate(bed_mm, spacing_mm, resolution_mm, pad, fft_shape,
                           free_area_mm2=bed_mm[0] * bed_mm[1])
            plates.append(plate)
            candidates = [found for angle, shape in turned[part.key]
                          if (found := _best_position(plate, shape, angle, kernels)) is not None]
            if not candidates:  # fits the bed's box (checked above) but not on the raster grid: place it exactly
                angle, shape = next((a, s) for a, s in turned[part.key] if _fits_empty(s, bed_mm))
                minx, miny, _, _ = shape.bounds
                placed = shapely.affinity.translate(shape, -minx, -miny)
                candidates = [(0.0, Placement("", -minx, -miny, angle), placed)]
            chosen = plate, min(candidates, key=lambda c: c[0])
        plate, (_, placement, placed) = chosen
        plate.add(Placement(part.key, placement.x_mm, placement.y_mm, placement.rotation_deg), placed)
    return [plate.layout for plate in plates]
