"""
Units, cleaning and the canonical frame of a foot scan (numpy, scipy and trimesh only).

The canonical frame is the shoe's: the heel's rearmost point at x=0, toe towards +x, floor at z=0, +z
up, right-handed (so +y is the foot's left). Everything here is invariant under rotation, translation
and mirroring of the input: it uses the convex hull, area-weighted sums and exact plane clips, never
vertex counts or the input's axes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import numpy as np
import trimesh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import ConvexHull, QhullError

from . import _shape
from .errors import ScanError
from .measurements import FOOTPRINT_HEIGHT_MM, HEEL_HEIGHT

# (unit, mm per unit, largest extent range of the foot part in that unit). A foot is 150-350 mm long;
# with some leg or a floor plate the largest extent of its part is 120-1200 mm. The ranges do not overlap.
UNITS = (("m", 1000.0, 0.12, 1.2), ("cm", 10.0, 12.0, 120.0), ("mm", 1.0, 120.0, 1200.0))

HULL_CLUSTER_DEG = 10.0      # hull faces within this angle of a direction count as one supporting plane
MIN_PART_FRACTION = 0.01     # parts smaller than this share of the largest part's area are dust
MIN_STANDING_SCORE = 0.5     # real scans score 0.95-1.0 on their floor, and at most 0.6 on any other plane
SPIKE_RATIO = 4.0            # spike: this many times further from its neighbours' centroid than they lie from it


@dataclass
class Frame:
    """
    Where the foot is in the input, after units and cleaning.

    Attributes
    ----------
    foot : trimesh.Trimesh
      The cleaned foot (largest part, no floor plate) in the canonical frame, mm, leg still attached.
    transform : (4, 4) float
      Input coordinates (file units) to canonical mm, a rigid motion times the unit scale.
    length_estimate_mm : float
      Footprint length along the axis (the measurement is taken later, from exact clips).
    floor_score : float
      0..1, how much the chosen floor looks like a foot standing on it (1 = clearly).
    units : str
      ``"m"``, ``"cm"`` or ``"mm"``: what the file's coordinates were read as.
    notes : list of str
      What cleaning did (units, stray parts, floor plate).
    penalty : float
      Quality deduction for what cleaning found.
    removed_area_fraction : float
      Share of the input's surface dropped as stray parts (the floor plate not counted).
    plate : bool
      A floor plate was found and removed; the floor is its top.
    """

    foot: trimesh.Trimesh
    transform: np.ndarray
    length_estimate_mm: float
    floor_score: float
    units: str
    notes: list[str] = field(default_factory=list)
    penalty: float = 0.0
    removed_area_fraction: float = 0.0
    plate: bool = False


def units_detect(extent: float) -> tuple[str, float]:
    """
    Guess the file's length unit from the largest extent of the foot part.

    Returns
    -------
    unit, mm_per_unit : str, float

    Raises
    ------
    ScanError
      The extent fits none of metres, centimetres and millimetres.
    """
    for unit, scale, low, high in UNITS:
        if low <= extent < high:
            return unit, scale
    raise ScanError(
        f"no foot-sized part in the scan: its largest part measures {extent:.4g} file units across, which is "
        "not 0.12-1.2 m, 12-120 cm or 120-1200 mm (a foot is 150-350 mm long)",
        allowed="a scan of one foot, in metres, centimetres or millimetres")


@dataclass
class Surface:
    """
    A triangle surface as plain arrays (cheaper than rebuilding trimesh objects at each cleaning step).

    Attributes
    ----------
    vertices : (n, 3) float
    faces : (m, 3) int
      May leave vertices unreferenced; :meth:`used` gives the referenced ones.
    areas : (m,) float
    normals : (m, 3) float
      Unit face normals.
    """

    vertices: np.ndarray
    faces: np.ndarray
    areas: np.ndarray
    normals: np.ndarray

    @classmethod
    def of(cls, vertices: np.ndarray, faces: np.ndarray) -> "Surface":
        corners = vertices[faces]
        cross = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
        double_area = np.linalg.norm(cross, axis=1)
        normals = cross / np.where(double_area > 0, double_area, 1.0)[:, None]
        return cls(vertices, faces, double_area / 2.0, normals)

    def subset(self, mask: np.ndarray) -> "Surface":
        return Surface(self.vertices, self.faces[mask], self.areas[mask], self.normals[mask])

    def used(self) -> np.ndarray:
        """(k, 3) float: the vertices some face uses."""
        return self.vertices[np.unique(self.faces)]

    def edges(self) -> np.ndarray:
        """(3m, 2) int: every face's three edges (shared edges appear twice)."""
        return self.faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2)

    def labels(self) -> np.ndarray:
        """
        Connected part of each face. Faces sharing a vertex are joined (not only faces sharing an
        edge), so cracks and T-junctions in a scan do not split the foot.
        """
        edges = self.edges()
        graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])),
                           shape=(len(self.vertices),) * 2)
        _, vertex_labels = connected_components(graph, directed=False)
        return vertex_labels[self.faces[:, 0]]

    def compact(self) -> "Surface":
        """The same surface without unreferenced vertices."""
        used, inverse = np.unique(self.faces, return_inverse=True)
        return Surface(self.vertices[used], inverse.reshape(-1, 3), self.areas, self.normals)


def spike_vertices(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """
    Outlier vertices (spikes): each one's distance to the centroid of its neighbours, over the neighbours'
    mean distance from that centroid, above :data:`SPIKE_RATIO`. Scale-free, so dense and coarse scans are
    judged alike: clean scans, re-meshed ones and avatars stay below 2.5; a point pulled out by a few times
    the mesh's edge length reads 5-20.

    Returns
    -------
    spikes : (n,) bool
      False for vertices no face uses.
    """
    # each face's three edges both ways: a neighbour across an inner edge counts twice, which weighs the
    # centroid alike everywhere but on open boundaries; bincount sums per vertex (np.add.at is far slower)
    n = len(vertices)
    source = faces[:, [0, 1, 1, 2, 2, 0]].ravel()
    target = faces[:, [1, 0, 2, 1, 0, 2]].ravel()
    degree = np.bincount(source, minlength=n).astype(float)
    total = np.column_stack([np.bincount(source, weights=vertices[target, k], minlength=n) for k in range(3)])
    centroid = total / np.maximum(degree, 1.0)[:, None]
    distance = np.linalg.norm(vertices[target] - centroid[source], axis=1)
    spread = np.bincount(source, weights=distance, minlength=n)  # summed distance of the neighbours from it
    offset = np.linalg.norm(centroid - vertices, axis=1)
    return (degree > 0) & (offset > SPIKE_RATIO * np.maximum(spread / np.maximum(degree, 1.0), 1e-12))


def _orthonormal(normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors completing ``normal`` to a right-handed basis (u, w, normal)."""
    helper = np.array([1.0, 0.0, 0.0]) if abs(normal[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = np.cross(normal, helper)
    u /= np.linalg.norm(u)
    return u, np.cross(normal, u)


def hull_planes(points: np.ndarray, *, count: int = 8) -> list[tuple[float, np.ndarray]]:
    """
    Supporting planes of the convex hull, as (area, outward unit normal), largest first.

    Near-coplanar hull faces are grouped by an area-weighted mean shift on their normals (a
    ``HULL_CLUSTER_DEG`` cone), so a noisy sole rim gives one plane and the result does not depend on
    how qhull triangulates a flat facet.

    Parameters
    ----------
    points : (n, 3) float
    """
    try:
        hull = trimesh.convex.convex_hull(points)
    except (QhullError, ValueError) as error:
        raise ScanError(f"the scan is flat or degenerate, not a foot ({error})"[:200]) from None
    normals, areas = hull.face_normals, hull.area_faces
    cos_tol = np.cos(np.radians(HULL_CLUSTER_DEG))
    modes: list[tuple[float, np.ndarray]] = []
    for seed in np.argsort(-areas)[:4 * count]:
        if any(normals[seed] @ mode > np.cos(np.radians(1.5 * HULL_CLUSTER_DEG)) for _, mode in modes):
            continue
        direction = normals[seed]
        for _ in range(8):  # mean shift: move to the area-weighted mean normal of the cone
            inside = normals @ direction > cos_tol
            mean = (normals[inside] * areas[inside, None]).sum(axis=0)
            new = mean / np.linalg.norm(mean)
            converged = new @ direction > 1 - 1e-12
            direction = new
            if converged:
                break
        inside = normals @ direction > cos_tol
        if any(direction @ mode > np.cos(np.radians(3.0)) for _, mode in modes):
            continue
        modes.append((float(areas[inside].sum()), direction))
        if len(modes) >= 2 * count:
            break
    modes.sort(key=lambda item: -item[0])
    return modes[:count]


def polygon_axis(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """
    Principal (long) axis of the convex hull of 2-D points, from the polygon's second moments of area.

    Parameters
    ----------
    points : (n, 2) float

    Returns
    -------
    axis : (2,) float
      Unit vector of the largest second moment (the sign is arbitrary).
    centroid : (2,) float
      Area centroid of the hull polygon.
    area : float
    """
    try:
        ring = points[ConvexHull(points).vertices]  # counter-clockwise
    except (QhullError, ValueError):
        raise ScanError("the scan has no footprint: nothing stands on the floor") from None
    origin = ring.mean(axis=0)
    a = ring - origin
    b = np.roll(a, -1, axis=0)
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]  # twice the signed area of each fan triangle
    area = cross.sum() / 2.0
    cx = ((a[:, 0] + b[:, 0]) * cross).sum() / (6.0 * area)
    cy = ((a[:, 1] + b[:, 1]) * cross).sum() / (6.0 * area)
    # second moments about the fan origin (standard polygon formulas), then shifted to the centroid
    sxx = ((a[:, 0] ** 2 + a[:, 0] * b[:, 0] + b[:, 0] ** 2) * cross).sum() / 12.0
    syy = ((a[:, 1] ** 2 + a[:, 1] * b[:, 1] + b[:, 1] ** 2) * cross).sum() / 12.0
    sxy = ((a[:, 0] * b[:, 1] + 2 * a[:, 0] * a[:, 1] + 2 * b[:, 0] * b[:, 1] + b[:, 0] * a[:, 1]) * cross).sum() / 24.0
    moments = np.array([[sxx, sxy], [sxy, syy]]) - area * np.outer([cx, cy], [cx, cy])
    _, vectors = np.linalg.eigh(moments)
    return vectors[:, 1], origin + np.array([cx, cy]), float(area)


def points_below(vertices: np.ndarray, edges: np.ndarray, heights: np.ndarray, level: float) -> np.ndarray:
    """
    Vertices of the surface clipped to ``heights <= level``: the vertices below plus every edge's
    crossing of the level. Their convex hull and extremes are exactly those of the clipped surface.

    Parameters
    ----------
    vertices : (n, 3) float
    edges : (e, 2) int
    heights : (n,) float
    """
    h0, h1 = heights[edges[:, 0]], heights[edges[:, 1]]
    crossing = (h0 - level) * (h1 - level) < 0
    t = (level - h0[crossing]) / (h1[crossing] - h0[crossing])
    a, b = vertices[edges[crossing, 0]], vertices[edges[crossing, 1]]
    return np.concatenate([vertices[heights <= level], a + (b - a) * t[:, None]])


def diameter(points: np.ndarray) -> float:
    """Largest distance across the points (two farthest-point passes: exact for elongated shapes)."""
    first = points[np.argmax(np.linalg.norm(points - points.mean(axis=0), axis=1))]
    second = points[np.argmax(np.linalg.norm(points - first, axis=1))]
    return float(np.linalg.norm(points - second, axis=1).max())


def standing_score(vertices: np.ndarray, down: np.ndarray, size: float | None = None) -> float:
    """
    How much the vertices look like a foot standing on the plane with outward normal ``down`` (0..1).

    Four cues, each 1 for a standing foot: the forefoot rests across its whole width on the floor
    (a foot on its side touches it with one edge, on its back with the convex dorsum), one end of the
    footprint (the toes) is far lower than the other (ankle or leg), the footprint is long (a leg's
    cut end is round) and it spans most of the scan (a leg's cut end is short).

    Parameters
    ----------
    vertices : (n, 3) float, mm
    down : (3,) float, unit
    size : float, optional
      :func:`diameter` of the vertices (computed when not given).
    """
    heights = (vertices @ down).max() - vertices @ down
    u, w = _orthonormal(down)
    flat = np.column_stack([vertices @ u, vertices @ w])
    low = heights < FOOTPRINT_HEIGHT_MM
    if low.sum() < 3:
        return 0.0
    axis, centre, _ = polygon_axis(flat[low])
    s = (flat - centre) @ axis
    t = (flat - centre) @ np.array([-axis[1], axis[0]])
    s0, s1 = s[low].min(), s[low].max()
    length, width = s1 - s0, np.ptp(t[low])
    if length <= 0 or width <= 0:
        return 0.0
    end_heights = [heights[s < s0 + 0.1 * length].max(), heights[s > s1 - 0.1 * length].max()]
    toe_end = int(np.argmin(end_heights))
    fraction = (s1 - s) / length if toe_end == 0 else (s - s0) / length  # 0 at the heel, 1 at the toe
    ball = (fraction > 0.6) & (fraction < 0.8) & (heights < 0.3 * length)
    touching = ball & (heights < 0.04 * length)
    contact = np.ptp(t[touching]) / np.ptp(t[ball]) if touching.sum() > 1 else 0.0
    rise = min(1.0, max(end_heights) / (2.5 * max(min(end_heights), 1e-9)))
    elongation = min(1.0, (length / width) / 2.2)
    span = min(1.0, length / (0.6 * (size if size is not None else diameter(vertices))))
    return float(contact * rise * elongation * span)


def _plate_top(surface: Surface, down: np.ndarray) -> np.ndarray | None:
    """
    A floor plate under the candidate floor ``down``: a slab or sheet of near-horizontal faces whose
    region is at least 1.3x the footprint of what stands above it, and mostly filled.

    Returns
    -------
    top : (m,) bool or None
      The faces of the plate's top.
    """
    vertices, faces, areas = surface.vertices, surface.faces, surface.areas
    heights = (vertices @ down).max() - vertices @ down
    face_heights = heights[faces].mean(axis=1)
    candidates = (face_heights < 60.0) & (np.abs(surface.normals @ down) > 0.9)
    if areas[candidates].sum() < 0.05 * areas.sum():
        return None  # far too little horizontal surface near the bottom for a plate
    histogram = np.bincount(np.floor(face_heights[candidates]).astype(int), weights=areas[candidates], minlength=62)
    smoothed = histogram + np.roll(histogram, 1) + np.roll(histogram, -1)  # a level may straddle two bins
    u, w = _orthonormal(down)
    levels = np.flatnonzero(smoothed >= 0.3 * smoothed.max())[::-1]  # highest first: a slab's top, not its bottom
    for level in levels[:8]:
        top = candidates & (np.abs(face_heights - (level + 0.5)) <= 1.5)
        corners = np.unique(faces[top])
        above = (heights > level + 5.0) & (heights < level + 60.0)
        if len(corners) < 3 or above.sum() < 3:
            continue
        try:  # a 2-D hull's "volume" is its area
            plate_area = ConvexHull(np.column_stack([vertices[corners] @ u, vertices[corners] @ w])).volume
            foot_area = ConvexHull(np.column_stack([vertices[above] @ u, vertices[above] @ w])).volume
        except (QhullError, ValueError):
            continue
        if plate_area > 1.3 * foot_area and areas[top].sum() > 0.5 * plate_area:
            return top
    return None


def frame_find(mesh: trimesh.Trimesh, *, on_progress: Callable[[str, float], None] | None = None) -> Frame:
    """
    Units, cleaning and the canonical frame of a raw scan.

    Parameters
    ----------
    mesh : trimesh.Trimesh
      The scan in file units and any pose (not modified).
    on_progress : callable, optional
      ``on_progress(stage, fraction)`` after ``"units"`` (0.1), ``"clean"`` (0.3) and ``"orient"`` (0.6).

    Returns
    -------
    frame : Frame

    Raises
    ------
    ScanError
      No foot-sized part, or nothing that stands like a foot.
    """
    report = partial(_shape.report, on_progress)

    # merge by position only: STL triangle soups, UV seams and cracks become connected
    merged = trimesh.Trimesh(np.asarray(mesh.vertices, dtype=np.float64), np.asarray(mesh.faces, dtype=np.int64),
                             process=False)
    merged.merge_vertices()
    surface = Surface.of(merged.vertices, merged.faces)
    diagonal = float(np.linalg.norm(np.ptp(surface.vertices, axis=0))) if len(surface.vertices) else 0.0
    surface = surface.subset(surface.areas > 1e-12 * diagonal ** 2)  # degenerate faces (slivers, repeats)
    if len(surface.faces) == 0:
        raise ScanError("the mesh has no triangles with any area")
    spikes = 0
    for _ in range(2):  # outlier points would set the hull, the floor and the ends; a spike's base shows second
        spiked = spike_vertices(surface.vertices, surface.faces)
        if not spiked.any():
            break
        spikes += int(spiked.sum())
        surface = surface.subset(~spiked[surface.faces].any(axis=1))
    labels = surface.labels()
    part_areas = np.bincount(labels, weights=surface.areas)
    biggest = int(np.argmax(part_areas))
    unit, scale = units_detect(float(np.ptp(surface.subset(labels == biggest).used(), axis=0).max()))
    surface = Surface(surface.vertices * scale, surface.faces, surface.areas * scale ** 2, surface.normals)
    part_areas = part_areas * scale ** 2
    total_area = float(part_areas.sum())
    notes: list[str] = []
    if spikes:
        notes.append(f"{spikes} spike{'s' if spikes > 1 else ''} (outlier points) left out")
    if unit != "mm":
        notes.append(f"coordinates read as {'metres' if unit == 'm' else 'centimetres'} (from the scan's size)")
    report("units", 0.1)

    # dust first (so it cannot spoil the hull), then a floor plate, then the largest part is the foot
    keep = part_areas[labels] >= MIN_PART_FRACTION * part_areas[biggest]
    surface, labels = surface.subset(keep), labels[keep]
    planes = hull_planes(surface.used(), count=8)
    top = None
    for _, down in planes[:2]:
        top = _plate_top(surface, down)
        if top is not None:
            break
    plate_area = 0.0
    if top is not None:
        weights = surface.areas[top]
        # the floor is the plate's top plane, not the foot's lowest point (a fused foot may dip into it);
        # its normal is the area-weighted mean of the top faces', each turned to point down (a thin
        # plate's top and bottom both fall in the window, and a scanned sheet may face either way)
        normals = surface.normals[top]
        down = (normals * (np.sign(normals @ down) * weights)[:, None]).sum(axis=0)
        down /= np.linalg.norm(down)
        centre = (surface.vertices[surface.faces[top]].mean(axis=1) * weights[:, None]).sum(axis=0) / weights.sum()
        floor_offset = float(centre @ down)
        heights = floor_offset - surface.vertices @ down
        spread = np.sqrt(np.average(heights[surface.faces[top]].mean(axis=1) ** 2, weights=weights))
        plate_faces = heights[surface.faces].max(axis=1) <= max(0.5, 3.0 * spread)  # noisy plates are thicker
        plate_area = float(surface.areas[plate_faces].sum())
        surface = surface.subset(~plate_faces)
        if len(surface.faces) == 0:
            raise ScanError("the scan holds only a floor plate, no foot")
        labels = surface.labels()
        notes.append("a floor plate under the foot was removed; the foot is measured standing on it")
    foot_part = np.bincount(labels, weights=surface.areas)
    foot_mask = labels == int(np.argmax(foot_part))
    cleaned = bool(top is not None or not foot_mask.all())
    surface = surface.subset(foot_mask)
    removed = max(0.0, 1.0 - (surface.areas.sum() + plate_area) / total_area)
    penalty = min(0.1, 0.01 * spikes)
    if removed > 0.001:
        notes.append(f"stray parts removed ({100 * removed:.1f} % of the surface)")
        penalty += min(0.2, 2.0 * removed)
    report("clean", 0.3)

    surface = surface.compact()
    vertices = surface.vertices
    if top is not None:
        floor_score = standing_score(vertices, down)
    else:
        candidates = hull_planes(vertices, count=8) if cleaned else planes
        size = diameter(vertices)
        scores = [standing_score(vertices, candidate, size) for _, candidate in candidates]
        best = int(np.argmax(scores))
        down, floor_score = candidates[best][1], scores[best]
        floor_offset = float((vertices @ down).max())
    if floor_score < MIN_STANDING_SCORE:
        size = np.ptp(vertices, axis=0)
        raise ScanError(
            "no foot found in the scan: its largest part "
            f"({size[0]:.0f} x {size[1]:.0f} x {size[2]:.0f} mm read as {unit}) does not stand like a foot "
            f"(check {floor_score:.2f} of 1: a foot rests on its heel and forefoot, with the ankle over the heel)",
            allowed="a scan of one foot standing on the floor, toes and heel included")
    rotation, translation, length = _canonical(surface, down, floor_offset)
    transform = np.eye(4)
    transform[:3, :3] = rotation * scale
    transform[:3, 3] = translation
    foot = trimesh.Trimesh(surface.vertices @ rotation.T + translation, surface.faces, process=False)
    report("orient", 0.6)
    return Frame(foot=foot, transform=transform, length_estimate_mm=length, floor_score=floor_score, units=unit,
                 notes=notes, penalty=penalty, removed_area_fraction=removed, plate=top is not None)


def _canonical(surface: Surface, down: np.ndarray, floor_offset: float) -> tuple[np.ndarray, np.ndarray, float]:
    """
    Rotation and translation (mm to mm) taking the foot to the canonical frame, and its footprint length.

    The long axis is the principal axis of the footprint (the part below ``FOOTPRINT_HEIGHT_MM``, clipped
    exactly); the toe is the end where the foot is low, the heel the end under the ankle or leg.
    """
    vertices, edges = surface.vertices, surface.edges()
    heights = floor_offset - vertices @ down
    u, w = _orthonormal(down)
    basis = np.vstack([u, w])
    footprint = points_below(vertices, edges, heights, FOOTPRINT_HEIGHT_MM) @ basis.T
    axis2, centre2, _ = polygon_axis(footprint)
    axis = axis2 @ basis
    s = vertices @ axis
    along = footprint @ axis2  # exact footprint extent along the axis
    s0, s1 = along.min(), along.max()
    length = s1 - s0
    # the toe end is the low one: the ankle and the leg rise over the heel
    if heights[s > s1 - 0.1 * length].max() > heights[s < s0 + 0.1 * length].max():
        axis = -axis
    up = -down
    side = np.cross(up, axis)  # +y: the foot's left
    rotation = np.vstack([axis, side, up])
    # y = 0 on the footprint axis, z = 0 on the floor, x = 0 at the heel's rearmost point below the ankle
    heel_points = points_below(vertices, edges, heights, HEEL_HEIGHT * length)
    translation = np.array([-(heel_points @ axis).min(), -(centre2 @ basis) @ side, floor_offset])
    return rotation, translation, float(length)


def floor_frame(mesh: trimesh.Trimesh) -> np.ndarray:
    """
    The canonical frame of a foot already standing on z=0 (an avatar, a last's inside): the transform (4, 4)
    that turns it about z so that the foot's axis (:func:`_canonical`) is x, heel's rearmost point at x=0.
    """
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    rotation, translation, _ = _canonical(Surface.of(vertices, np.asarray(mesh.faces)), np.array([0.0, 0.0, -1.0]),
                                          -float(vertices[:, 2].min()))
    transform = np.eye(4)
    transform[:3, :3], transform[:3, 3] = rotation, translation
    return transform
