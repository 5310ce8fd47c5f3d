"""
Measurements of a foot in the canonical frame (mm; heel at x=0, toe to +x, floor z=0, +y the foot's left).

Every number comes from exact plane clips and cross-sections of the surface, never from picking
vertices, so re-meshing the same surface (subdividing, splitting faces) leaves it unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import trimesh
from scipy.spatial import ConvexHull, QhullError

TRIM_HEIGHT = 0.45       # x length: the leg is cut off at this height (above the ankle bones)
HEEL_HEIGHT = 0.15       # x length: heel point, toe tip and heel width are looked for below this height
BALL_RANGE = (0.60, 0.80)
INSTEP_AT = 0.55
HEEL_RANGE = (0.0, 0.25)
ARCH_RANGE = (0.35, 0.60)
ARCH_STEPS = 11
ARCH_BAND = 0.15         # x section breadth: the arch is the lowest underside this far in from the medial edge
SIDE_BAND = 0.10         # x section breadth: edge bands compared to tell the raised medial arch
TOE_BOX_FROM = 0.80


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


def section(mesh: trimesh.Trimesh, origin: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Segments where a plane cuts the surface, (s, 2, 3) float (empty if it misses)."""
    lines = trimesh.intersections.mesh_plane(mesh, plane_normal=normal, plane_origin=origin)
    return np.asarray(lines, dtype=float).reshape(-1, 2, 3)


def hull_perimeter(points: np.ndarray) -> float:
    """Perimeter of the convex hull of (n, 2) points: what a tape measure around them reads."""
    try:
        return float(ConvexHull(points).area)  # in 2-D, qhull's "area" is the perimeter
    except (QhullError, ValueError):
        return 0.0


def _lowest_in_band(segments: np.ndarray, low: float, high: float) -> float:
    """
    Lowest z of the section segments (s, 2, 2) in (y, z) within ``low <= y <= high``, clipping each
    segment to the band exactly (linear interpolation), so the value does not depend on the meshing.
    """
    y0, z0, y1, z1 = segments[:, 0, 0], segments[:, 0, 1], segments[:, 1, 0], segments[:, 1, 1]
    ya, yb = np.minimum(y0, y1), np.maximum(y0, y1)
    hit = (yb >= low) & (ya <= high)
    if not hit.any():
        return np.nan
    y0, z0, y1, z1 = y0[hit], z0[hit], y1[hit], z1[hit]
    dy = np.where(np.abs(y1 - y0) < 1e-12, 1e-12, y1 - y0)
    ends = []
    for y in (y0, y1, np.full_like(y0, low), np.full_like(y0, high)):
        t = np.clip((y - y0) / dy, 0.0, 1.0)
        yy = y0 + t * (y1 - y0)
        inside = (yy >= low - 1e-9) & (yy <= high + 1e-9)
        ends.append(np.where(inside, z0 + t * (z1 - z0), np.inf))
    return float(np.min(ends))


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
    """

    values: dict
    medial_sign: float
    side_votes: dict
    open_edges_mm: float
    crease_density: float
    foot: trimesh.Trimesh


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
    heel_x, toe_x = low[:, 0].min(), low[:, 0].max()
    length = float(toe_x - heel_x)
    tip = low[np.argmax(low[:, 0])]

    trimmed = foot.slice_plane(plane_origin=[0.0, 0.0, TRIM_HEIGHT * length], plane_normal=[0.0, 0.0, -1.0])
    tv = trimmed.vertices
    clip = Clipper(tv, trimmed.faces)

    def at(fraction: float) -> float:
        return heel_x + fraction * length

    # ball width: caliper breadth across the forefoot, with the two points it touches (1st/5th MT heads)
    ball = clip.points(x=(at(BALL_RANGE[0]), at(BALL_RANGE[1])))
    left, right = ball[np.argmax(ball[:, 1])], ball[np.argmin(ball[:, 1])]
    ball_width = float(left[1] - right[1])
    # ball girth: vertical plane through both contact points; a tape spans concavities (convex hull)
    across = left - right
    normal = np.cross(across, [0.0, 0.0, 1.0])
    normal /= np.linalg.norm(normal)
    ball_segments = section(trimmed, (left + right) / 2, normal)
    in_plane = np.column_stack([ball_segments.reshape(-1, 3) @ (np.cross([0.0, 0.0, 1.0], normal)),
                                ball_segments.reshape(-1, 3)[:, 2]])
    ball_girth = hull_perimeter(in_plane)
    # instep girth: perpendicular section at 55 % of the length
    instep_segments = section(trimmed, np.array([at(INSTEP_AT), 0.0, 0.0]), np.array([1.0, 0.0, 0.0]))
    instep_girth = hull_perimeter(instep_segments.reshape(-1, 3)[:, 1:])
    # heel width: breadth of the rear quarter below the ankle bones
    heel = clip.points(x=(at(HEEL_RANGE[0]), at(HEEL_RANGE[1])), z=(-np.inf, HEEL_HEIGHT * length))
    heel_width = float(np.ptp(heel[:, 1]))
    # toe box: highest point of the front 20 %
    toe_box = clip.points(x=(at(TOE_BOX_FROM), np.inf))
    toe_box_height = float(toe_box[:, 2].max())

    # midfoot sections for the arch and the side: lowest underside near each edge
    xs = at(np.linspace(*ARCH_RANGE, ARCH_STEPS))
    lowest = np.full((ARCH_STEPS, 2), np.nan)  # [:, 0] the +y edge band, [:, 1] the -y edge band
    side_bands = np.full((ARCH_STEPS, 2), np.nan)  # the same in the narrower band used to tell the side
    for k, x in enumerate(xs):
        segments = section(trimmed, np.array([x, 0.0, 0.0]), np.array([1.0, 0.0, 0.0]))[:, :, 1:]
        if len(segments) == 0:
            continue
        y_max, y_min = segments[:, :, 0].max(), segments[:, :, 0].min()
        for out, fraction in ((lowest, ARCH_BAND), (side_bands, SIDE_BAND)):
            band = fraction * (y_max - y_min)
            out[k] = (_lowest_in_band(segments, y_max - band, y_max), _lowest_in_band(segments, y_min, y_min + band))

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
    medial = lowest[:, 0] if medial_sign > 0 else lowest[:, 1]
    arch_height = float(np.nanmax(medial)) if np.isfinite(medial).any() else np.nan

    values = {
        "length_mm": length, "ball_width_mm": ball_width, "ball_girth_mm": ball_girth,
        "instep_girth_mm": instep_girth, "heel_width_mm": heel_width, "arch_height_mm": arch_height,
        "toe_box_height_mm": toe_box_height,
    }
    # quality inputs: open edges below the cut (holes, a missing sole) and sharp creases (noise)
    boundary = trimesh.grouping.group_rows(trimmed.edges_sorted, require_count=1)
    ends = tv[trimmed.edges_sorted[boundary]]  # (b, 2, 3): edges with one face
    below = (ends[:, :, 2] < TRIM_HEIGHT * length - 0.5).all(axis=1)
    open_edges = float(np.linalg.norm(ends[below, 0] - ends[below, 1], axis=1).sum())
    angles = trimmed.face_adjacency_angles
    edge_lengths = np.linalg.norm(np.diff(tv[trimmed.face_adjacency_edges], axis=1)[:, 0], axis=1)
    crease_density = float(edge_lengths[angles > np.radians(30)].sum() / max(trimmed.area, 1e-9))
    return Measured(values=values, medial_sign=medial_sign, side_votes=votes, open_edges_mm=open_edges,
                    crease_density=crease_density, foot=trimmed)
