"""
Measurements of a foot in the canonical frame (mm; heel at x=0, toe to +x, floor z=0, +y the foot's left).

Every number comes from exact plane clips and cross-sections of the surface, never from picking
vertices, so re-meshing the same surface (subdividing, splitting faces) leaves it unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import trimesh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .measurements import (BALL_RANGE, HEEL_HEIGHT, HEEL_RANGE, INSTEP_AT, TOE_BOX_FROM, TRIM_HEIGHT,
                           arch_from_undersides, ball_girth_mm, hull_perimeter, instep_girth_mm, midfoot_undersides,
                           section)

END_CAP_MM = 10.0  # the heel and toe caps whose surface density is checked: this far in from each end
# Free-edge rim: the surface within this distance of an open edge below the heel height (an open sole, a hole)
# is left out of the caliper extents (length, ball width, heel width). A closed surface's extreme point is a
# tangency; where a reconstruction's extreme is a free edge, the surface was still running outward where it
# stopped (a skirt or lip from the floor contact), so its last millimetres are not the foot. 8 mm is the widest
# rim that moves the extents of the clean open laser scan (foot3d_0044_scan.ply) by at most 0.5 mm, half its
# method uncertainty (3, 5, 8, 12 mm: 0.0, 0.0, 0.5, 4.1 mm on its ball width); closed surfaces have no rim.
RIM_MM = 8.0
OPEN_SOLE_MM = 300.0  # an open loop this long below the ankle is an open sole (a skirt's edge), not a hole

__all__ = ["Clipper", "Measured", "hull_perimeter", "measure", "measure_on_floor", "section"]


class Clipper:
    """
    Exact clips of one surface to axis-aligned boxes in x and z.

    Faces are pre-selected by their bounds (computed once), then cut with trimesh's plane slicer, so
    the extremes of the returned points are those of the clipped surface.

    Parameters
    ----------
    vertices : (n, 3) float
    faces : (m, 3) int
    """

    def __init__(self, vertices: np.ndarray, faces: np.ndarray):
        self.vertices, self.faces = vertices, faces
        corners = vertices[faces][:, :, [0, 2]]  # (m, 3, 2): x and z of each corner
        self.low, self.high = corners.min(axis=1), corners.max(axis=1)

    def points(self, *, x: tuple[float, float] = (-np.inf, np.inf),
               z: tuple[float, float] = (-np.inf, np.inf)) -> np.ndarray:
        """
        Vertices of the surface clipped to ``x[0] <= x <= x[1]``, ``z[0] <= z <= z[1]``.

        Returns
        -------
        points : (k, 3) float, empty when nothing is inside.
        """
        low, high = self.low, self.high
        keep = (high[:, 0] >= x[0]) & (low[:, 0] <= x[1]) & (high[:, 1] >= z[0]) & (low[:, 1] <= z[1])
        if not keep.any():
            return np.zeros((0, 3))
        used, local = np.unique(self.faces[keep], return_inverse=True)
        v, f = self.vertices[used], local.reshape(-1, 3)
        for axis, bounds in ((0, x), (2, z)):
            for sign, value in ((1.0, bounds[0]), (-1.0, bounds[1])):
                if not np.isfinite(value) or len(f) == 0 or (sign * (v[:, axis] - value) >= 0).all():
                    continue  # no bound, or everything already on the kept side
                normal, origin = np.zeros(3), np.zeros(3)
                normal[axis], origin[axis] = sign, value
                v, f = trimesh.intersections.slice_faces_plane(v, f, plane_normal=normal, plane_origin=origin)[:2]
        if len(f) == 0:
            return np.zeros((0, 3))
        return v[np.unique(f)]


@dataclass
class Measured:
    """
    Raw measurements and what the side and quality checks need.

    Attributes
    ----------
    values : dict of str to float
      The seven measurements in mm, unrounded (``arch_height_mm`` may be NaN or out of range).
    medial_sign : float
      +1 when the medial side is +y (a right foot), -1 when it is -y (a left foot).
    side_votes : dict of str to float
      Each cue in -1..1, positive for a right foot.
    open_edges_mm : float
      Length of open (one-face) edges below the cut: holes, or a sole that was not scanned.
    crease_density : float
      Length of edges creased by more than 30 degrees per mm² of surface: noise.
    foot : trimesh.Trimesh
      The foot with the leg cut off, canonical frame.
    landmarks : dict of str to (3,) float
      Where the tape and the caliper went: ``heel`` (rearmost point), ``toe`` (tip of the longest toe),
      ``ball_left`` / ``ball_right`` (the ball caliper's contact points at +y / -y, the metatarsal heads).
    flare_mm : dict of str to float
      ``length_mm``, ``ball_width_mm``, ``heel_width_mm``: how much longer or wider the whole surface reads than
      the surface without its free-edge rim (:data:`RIM_MM`); 0 on closed surfaces and on scans whose open
      edges curve in under the foot.
    end_sparsity : dict of str to float
      ``heel`` and ``toe``: median triangle area within :data:`END_CAP_MM` of that end (below the heel
      height) over the whole foot's. A reconstruction that saw an end poorly fills it with large triangles
      (the phone twin of scan 0044 reads 1.9 at the heel; laser scans and models 0.5-1.0).
    """

    values: dict
    medial_sign: float
    side_votes: dict
    open_edges_mm: float
    crease_density: float
    foot: trimesh.Trimesh
    landmarks: dict = field(default_factory=dict)
    end_sparsity: dict = field(default_factory=dict)
    flare_mm: dict = field(default_factory=dict)


def free_rim(vertices: np.ndarray, open_edges: np.ndarray, below_mm: float) -> np.ndarray:
    """
    Points along the open sole's edge: the open (one-face) edges with both ends below ``below_mm`` that lie on a
    loop at least :data:`OPEN_SOLE_MM` long there (a hole's edge is no skirt).

    Parameters
    ----------
    vertices : (n, 3) float
    open_edges : (b, 2) int
      Vertex pairs of the open edges.

    Returns
    -------
    points : (k, 3) float
      The edges' ends and midpoints (open edges are far shorter than :data:`RIM_MM`).
    """
    edges = open_edges[(vertices[open_edges][:, :, 2] < below_mm).all(axis=1)] if len(open_edges) else open_edges
    if len(edges) == 0:
        return np.zeros((0, 3))
    # T-junction slits are no openings: a face split without its neighbour leaves the neighbour's edge open
    # along the two halves, so the midpoint of each such open edge is an end or a quarter point of another
    a, b = vertices[edges[:, 0]], vertices[edges[:, 1]]
    marks = np.concatenate([a, b, a + 0.25 * (b - a), a + 0.75 * (b - a)])
    distance, _ = cKDTree(marks).query((a + b) / 2, distance_upper_bound=1e-4)
    edges = edges[~(distance < 1e-4)]
    if len(edges) == 0:
        return np.zeros((0, 3))
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(len(vertices),) * 2)
    _, labels = connected_components(graph, directed=False)
    loop = labels[edges[:, 0]]
    lengths = np.bincount(loop, weights=np.linalg.norm(vertices[edges[:, 0]] - vertices[edges[:, 1]], axis=1))
    ends = vertices[edges[lengths[loop] >= OPEN_SOLE_MM]]  # (k, 2, 3)
    return np.concatenate([ends[:, 0], ends.mean(axis=1)])


def near_rim(vertices: np.ndarray, faces: np.ndarray, rim: np.ndarray, rim_mm: float = RIM_MM) -> np.ndarray:
    """(m,) bool: faces whose centre lies within ``rim_mm`` of the :func:`free_rim` points ``rim``."""
    near = np.zeros(len(faces), dtype=bool)
    if len(rim) == 0:
        return near
    top = rim[:, 2].max() + rim_mm
    low = np.flatnonzero(vertices[faces[:, 0], 2] < top)  # by a first corner: triangles are far smaller than RIM_MM
    if len(low):
        centres = vertices[faces[low]].mean(axis=1)
        distance, _ = cKDTree(rim).query(centres, distance_upper_bound=rim_mm)
        near[low] = distance < rim_mm
    return near


def measure(foot: trimesh.Trimesh) -> Measured:
    """
    Measure a canonical foot (leg still attached) and cut the leg off at ``TRIM_HEIGHT`` x length.

    Parameters
    ----------
    foot : trimesh.Trimesh
      Canonical frame, mm.

    Returns
    -------
    measured : Measured
    """
    whole = Clipper(foot.vertices, foot.faces)
    # length: heel point and toe tip below the ankle (the shin may lean back behind the heel higher up)
    estimate = float(np.ptp(whole.points(z=(-np.inf, 40.0))[:, 0]))
    low = whole.points(z=(-np.inf, HEEL_HEIGHT * estimate))
    full_length = float(np.ptp(low[:, 0]))
    # the leg off well above the ankle first (TRIM_HEIGHT x the full surface's length): its open edges are the
    # open sole's and holes' and the cut's, which lies far above the heel height
    trimmed = foot.slice_plane(plane_origin=[0.0, 0.0, TRIM_HEIGHT * full_length], plane_normal=[0.0, 0.0, -1.0])
    tv = trimmed.vertices
    boundary = trimesh.grouping.group_rows(trimmed.edges_sorted, require_count=1)
    rim = free_rim(tv, trimmed.edges_sorted[boundary], HEEL_HEIGHT * estimate)
    # the caliper extents are read without the free-edge rim (RIM_MM) when what is left still spans the foot
    full_clip = Clipper(tv, trimmed.faces)
    clip = full_clip
    if len(rim):
        solid = ~near_rim(tv, trimmed.faces, rim)
        clip = Clipper(tv, trimmed.faces[solid])
        robust_low = clip.points(z=(-np.inf, HEEL_HEIGHT * estimate))
        if len(robust_low) and np.ptp(robust_low[:, 0]) > 0.9 * full_length:
            low = robust_low
    heel_x, toe_x = low[:, 0].min(), low[:, 0].max()
    length = float(toe_x - heel_x)
    tip = low[np.argmax(low[:, 0])]
    if length < full_length:  # a flare was left out of the length: the leg comes off at TRIM_HEIGHT x this length
        trimmed = trimmed.slice_plane(plane_origin=[0.0, 0.0, TRIM_HEIGHT * length], plane_normal=[0.0, 0.0, -1.0])
        tv = trimmed.vertices
        boundary = trimesh.grouping.group_rows(trimmed.edges_sorted, require_count=1)
        full_clip = Clipper(tv, trimmed.faces)
        clip = Clipper(tv, trimmed.faces[~near_rim(tv, trimmed.faces, rim)])

    def at(fraction: float) -> float:
        return heel_x + fraction * length

    # ball width: caliper breadth across the forefoot, with the two points it touches (1st/5th MT heads)
    ball_x = (at(BALL_RANGE[0]), at(BALL_RANGE[1]))
    full_ball = full_clip.points(x=ball_x)
    ball = clip.points(x=ball_x)
    if len(ball) < 3 or np.ptp(ball[:, 1]) < 0.8 * np.ptp(full_ball[:, 1]):
        ball = full_ball  # a hole across the ball: measure what there is
    left, right = ball[np.argmax(ball[:, 1])], ball[np.argmin(ball[:, 1])]
    ball_width = float(left[1] - right[1])
    # ball girth: the oblique plane through both contact points; instep girth: square to the axis
    ball_girth = ball_girth_mm(trimmed, left, right)
    instep_girth = instep_girth_mm(trimmed, at(INSTEP_AT))
    # heel width: breadth of the rear quarter below the ankle bones
    heel_box = {"x": (at(HEEL_RANGE[0]), at(HEEL_RANGE[1])), "z": (-np.inf, HEEL_HEIGHT * length)}
    full_heel = full_clip.points(**heel_box)
    heel = clip.points(**heel_box)
    if len(heel) < 3 or np.ptp(heel[:, 1]) < 0.8 * np.ptp(full_heel[:, 1]):
        heel = full_heel
    heel_width = float(np.ptp(heel[:, 1]))
    flare = {"length_mm": max(0.0, full_length - length),
             "ball_width_mm": max(0.0, float(np.ptp(full_ball[:, 1])) - ball_width),
             "heel_width_mm": max(0.0, float(np.ptp(full_heel[:, 1])) - heel_width)}
    # toe box: highest point of the front 20 %
    toe_box = full_clip.points(x=(at(TOE_BOX_FROM), np.inf))
    toe_box_height = float(toe_box[:, 2].max())

    # midfoot sections for the arch and the side: lowest underside near each edge
    lowest, side_bands = midfoot_undersides(trimmed, heel_x, length)

    # side votes, each positive when the medial side is +y (a right foot)
    ball_mid = (left[1] + right[1]) / 2
    toe_region = trimmed.triangles_center[:, 0] > at(0.85)
    toe_area = trimmed.area_faces[toe_region]
    toe_centroid_y = float((trimmed.triangles_center[toe_region, 1] * toe_area).sum() / max(toe_area.sum(), 1e-9))
    votes = {
        # the longest toe (big or second) is medial of the forefoot's middle
        "toe_tip": float(np.clip((tip[1] - ball_mid) / (0.15 * ball_width), -1, 1)),
        # the big toe is the bulkiest: the toes' surface lies towards the medial side
        "toe_mass": float(np.clip((toe_centroid_y - ball_mid) / (0.1 * ball_width), -1, 1)),
        # the medial arch is raised, the lateral midfoot rests on the floor
        "arch": float(np.clip(np.nanmean(side_bands[:, 0] - side_bands[:, 1]) / 5.0, -1, 1))
        if np.isfinite(side_bands[:, 0] - side_bands[:, 1]).any() else 0.0,
    }
    medial_sign = 1.0 if sum(votes.values()) >= 0 else -1.0
    arch_height = arch_from_undersides(lowest, medial_sign)

    values = {
        "length_mm": length, "ball_width_mm": ball_width, "ball_girth_mm": ball_girth,
        "instep_girth_mm": instep_girth, "heel_width_mm": heel_width, "arch_height_mm": arch_height,
        "toe_box_height_mm": toe_box_height,
    }
    # quality inputs: open edges below the cut (holes, a missing sole) and sharp creases (noise)
    ends = tv[trimmed.edges_sorted[boundary]]  # (b, 2, 3): edges with one face
    below = (ends[:, :, 2] < TRIM_HEIGHT * length - 0.5).all(axis=1)
    open_edges = float(np.linalg.norm(ends[below, 0] - ends[below, 1], axis=1).sum())
    angles = trimmed.face_adjacency_angles
    edge_lengths = np.linalg.norm(np.diff(tv[trimmed.face_adjacency_edges], axis=1)[:, 0], axis=1)
    crease_density = float(edge_lengths[angles > np.radians(30)].sum() / max(trimmed.area, 1e-9))
    landmarks = {"heel": low[np.argmin(low[:, 0])], "toe": tip, "ball_left": left, "ball_right": right}
    # surface density at the ends: their triangles' median area against the foot's (NaN when too few)
    areas, centres = trimmed.area_faces, trimmed.triangles_center
    below_heel = centres[:, 2] < HEEL_HEIGHT * length
    typical = max(float(np.median(areas)), 1e-12)
    end_sparsity = {}
    for end, near in (("heel", centres[:, 0] < heel_x + END_CAP_MM), ("toe", centres[:, 0] > toe_x - END_CAP_MM)):
        cap = areas[below_heel & near]
        end_sparsity[end] = float(np.median(cap) / typical) if len(cap) >= 10 else np.nan
    return Measured(values=values, medial_sign=medial_sign, side_votes=votes, open_edges_mm=open_edges,
                    crease_density=crease_density, foot=trimmed, landmarks=landmarks, end_sparsity=end_sparsity,
                    flare_mm=flare)


def measure_on_floor(foot: trimesh.Trimesh) -> Measured:
    """
    :func:`measure` a foot-shaped mesh already standing on z=0 with its toe towards +x (an avatar, a last's
    inside) as a scan of it would be measured: first turned onto its own axis (:func:`._scan_frame.floor_frame`).
    ``Measured.foot`` is in that frame.
    """
    from ._scan_frame import floor_frame  # the frame module imports the definitions this module uses

    return measure(foot.copy().apply_transform(floor_frame(foot)))
