"""
The one written definition of each foot measurement: where the tape goes (no Django here).

The scan, the avatar, the last and the fit all take their measurements through these constants and
functions, so a number means the same thing everywhere. The foot is in the canonical frame: heel's
rearmost point at x=0, toe towards +x, standing on z=0, +z up, mm. Fractions are of the foot length L.

The foot's axis (x) is the principal axis of the footprint: the plan view of the part below
:data:`FOOTPRINT_HEIGHT_MM` (its second moments of area); a shape built along another x (the avatar, the
last) is measured after turning it onto its own axis.

* length: heel's rearmost point to the tip of the longest toe, along the foot's axis (x), both looked
  for below :data:`HEEL_HEIGHT` x L (above that the shin leans back behind the heel);
* ball width: caliper breadth (extent across, y) of the forefoot between :data:`BALL_RANGE` x L; the two
  points the caliper touches are the 1st and 5th metatarsal heads (ANSUR ``footbreadthhorizontal``);
* ball girth: tape round the foot in the vertical plane through those two points, an oblique plane, as
  ANSUR's ``balloffootcircumference`` (the tape bridges hollows: the convex hull of the section);
* instep girth: tape round the foot in the plane perpendicular to the axis at :data:`INSTEP_AT` x L;
* heel width: caliper breadth of the rear :data:`HEEL_RANGE` x L below :data:`HEEL_HEIGHT` x L
  (ANSUR ``heelbreadth``, under the ankle bones);
* arch height: height of the underside above the floor :data:`ARCH_BAND` of the breadth in from the
  medial edge, the highest over :data:`ARCH_RANGE` x L;
* toe-box height: highest point of the front ``1 - TOE_BOX_FROM`` of the foot.
"""
from __future__ import annotations

import numpy as np
import trimesh
from scipy.spatial import ConvexHull, QhullError

FOOTPRINT_HEIGHT_MM = 40.0  # the foot's axis is the principal axis of the footprint, the part below this height
TRIM_HEIGHT = 0.45       # x L: the leg is cut off at this height (above the ankle bones)
HEEL_HEIGHT = 0.15       # x L: heel point, toe tip and heel width are looked for below this height
BALL_RANGE = (0.60, 0.80)
INSTEP_AT = 0.55
HEEL_RANGE = (0.0, 0.25)
ARCH_RANGE = (0.35, 0.60)
ARCH_STEPS = 11
ARCH_BAND = 0.15         # x section breadth: the arch is the lowest underside this far in from the medial edge
SIDE_BAND = 0.10         # x section breadth: edge bands compared to tell the raised medial arch
TOE_BOX_FROM = 0.80

KEYS = ("length_mm", "ball_width_mm", "ball_girth_mm", "instep_girth_mm", "heel_width_mm", "arch_height_mm",
        "toe_box_height_mm")

DEFINITIONS = {
    "length_mm": "heel's rearmost point to the tip of the longest toe, along the foot's axis, both below "
                 f"{HEEL_HEIGHT:g} x length",
    "ball_width_mm": f"caliper breadth across the forefoot ({BALL_RANGE[0]:.0%}-{BALL_RANGE[1]:.0%} of the length); "
                     "it touches the 1st and 5th metatarsal heads",
    "ball_girth_mm": "tape round the foot in the vertical plane through the 1st and 5th metatarsal heads "
                     "(oblique, as ANSUR); the tape bridges hollows",
    "instep_girth_mm": f"tape round the foot square to its axis at {INSTEP_AT:.0%} of the length",
    "heel_width_mm": f"caliper breadth of the rear {HEEL_RANGE[1]:.0%} of the foot below {HEEL_HEIGHT:g} x length",
    "arch_height_mm": f"underside {ARCH_BAND:.0%} of the breadth in from the medial edge, highest above the floor "
                      f"over {ARCH_RANGE[0]:.0%}-{ARCH_RANGE[1]:.0%} of the length",
    "toe_box_height_mm": f"highest point of the front {1 - TOE_BOX_FROM:.0%} of the foot",
}
"""Where the tape goes, in words (the README and the figure quote these)."""


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


def ball_plane(medial: np.ndarray, lateral: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    The ball girth's plane: vertical, through the two metatarsal-head points.

    Parameters
    ----------
    medial, lateral : (3,) float
      The points the ball-width caliper touches.

    Returns
    -------
    origin, normal : (3,) float
      ``normal`` is horizontal and unit.
    """
    across = np.asarray(medial, float) - np.asarray(lateral, float)
    normal = np.cross(across, [0.0, 0.0, 1.0])
    normal /= np.linalg.norm(normal)
    return (np.asarray(medial, float) + np.asarray(lateral, float)) / 2, normal


def ball_girth_mm(mesh: trimesh.Trimesh, medial: np.ndarray, lateral: np.ndarray) -> float:
    """Tape round ``mesh`` in :func:`ball_plane` (convex hull of the section, in the plane's own axes)."""
    origin, normal = ball_plane(medial, lateral)
    points = section(mesh, origin, normal).reshape(-1, 3)
    along = np.cross([0.0, 0.0, 1.0], normal)
    return hull_perimeter(np.column_stack([points @ along, points[:, 2]]))


def instep_girth_mm(mesh: trimesh.Trimesh, x_mm: float) -> float:
    """Tape round ``mesh`` in the plane ``x = x_mm`` (the instep: ``heel_x + INSTEP_AT * length``)."""
    points = section(mesh, np.array([x_mm, 0.0, 0.0]), np.array([1.0, 0.0, 0.0])).reshape(-1, 3)
    return hull_perimeter(points[:, 1:])


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


def midfoot_undersides(mesh: trimesh.Trimesh, heel_x_mm: float, length_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """
    Lowest underside near each edge of the sections square to the axis over :data:`ARCH_RANGE`.

    Returns
    -------
    lowest : (ARCH_STEPS, 2) float
      In the band :data:`ARCH_BAND` of the breadth in from the +y edge (``[:, 0]``) and the -y edge
      (``[:, 1]``); NaN where the section misses.
    side_bands : (ARCH_STEPS, 2) float
      The same in the narrower :data:`SIDE_BAND` (used to tell the raised medial side).
    """
    xs = heel_x_mm + length_mm * np.linspace(*ARCH_RANGE, ARCH_STEPS)
    lowest = np.full((ARCH_STEPS, 2), np.nan)
    side_bands = np.full((ARCH_STEPS, 2), np.nan)
    for k, x in enumerate(xs):  # eleven sections
        segments = section(mesh, np.array([x, 0.0, 0.0]), np.array([1.0, 0.0, 0.0]))[:, :, 1:]
        if len(segments) == 0:
            continue
        y_max, y_min = segments[:, :, 0].max(), segments[:, :, 0].min()
        for out, fraction in ((lowest, ARCH_BAND), (side_bands, SIDE_BAND)):
            band = fraction * (y_max - y_min)
            out[k] = (_lowest_in_band(segments, y_max - band, y_max), _lowest_in_band(segments, y_min, y_min + band))
    return lowest, side_bands


def arch_from_undersides(lowest: np.ndarray, medial_sign: float) -> float:
    """Arch height from :func:`midfoot_undersides`: the highest medial underside (NaN if none was found)."""
    medial = lowest[:, 0] if medial_sign > 0 else lowest[:, 1]
    return float(np.nanmax(medial)) if np.isfinite(medial).any() else np.nan


def arch_height_mm(mesh: trimesh.Trimesh, heel_x_mm: float, length_mm: float, medial_sign: float = 1.0) -> float:
    """Arch height of a foot whose medial side is known (+1: +y, a right foot; -1: -y)."""
    return arch_from_undersides(midfoot_undersides(mesh, heel_x_mm, length_mm)[0], medial_sign)
