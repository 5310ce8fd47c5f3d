"""
The shoe's fit: the foot put in the last the way the last's bottom is built, and the room around it measured on
the last's own sections and surface (:class:`.shoe.Last`: one geometry for the shoe and its fit check).

The foot is turned onto the last's plan (:func:`._placement.aligned`), its heel against the back of the last, and
every vertex raised by the footbed height at its x (heel pitch) plus the toe spring. The clearance of each foot
vertex is its signed distance to the cavity wall (:meth:`.shoe.Last.cavity`), positive = room, negative = the foot
would press through the wall; it is the distance to the tangent plane of the nearest cavity vertex (a k-d tree
query, accurate to ~0.1 mm on the smooth last). Vertices above the collar opening (:meth:`.shoe.Last.collar_z`)
are outside the shoe and ignored: where a scan carries the lower leg, only the foot below the ankle is judged.
Regions (``L`` = the foot's length):

* ``toe``: room in front of the longest toe, along +x at the toe tip's height (:meth:`.shoe.Last.inside` along
  that line);
* ``ball_medial`` / ``ball_lateral``: the least room across (along y, at the same height,
  :meth:`.shoe.Last.room_across`) on each side of the ball, 0.62–0.80 L, between 15 % and 70 % of the foot's
  height there;
* ``heel``: the mean of the least room across on the two sides of the heel, 0.12–0.22 L (where the heel
  is at its full width, in front of its rounded back), below 40 mm;
* ``instep``: the least clearance over the top of the foot, 0.50–0.70 L, where the upper covers it.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .. import _placement
from .. import shoe as _shoe
from .._scan_frame import FOOTPRINT_HEIGHT_MM
from ..last_from_scan import foot_in_shoe
from . import heatmap
from .regions import SHOE_THRESHOLDS_MM, least, region, rounded

SIDE_FLOOR_MM = 4.0  # the sides of the ball and heel are taken above this height (and 15 % of the foot's)


def ray_room(the_last: _shoe.Last, points: np.ndarray) -> np.ndarray:
    """
    Room ahead of each point: along +x at its own y and height, to where the line leaves the last.

    Parameters
    ----------
    points : (n, 3) float
      Sprung points near the toe (within :data:`.heatmap.TOE_ZONE_MM` of the foot's front).

    Returns
    -------
    room_mm : (n,) float
      Negative if the point is already beyond the last's front on that line; NaN if the line misses the
      last entirely (a point above the toe box).
    """
    if len(points) == 0:
        return np.empty(0)
    x = np.arange(points[:, 0].min() - 20.0, max(the_last.plan.end_mm, points[:, 0].max()) + 0.5, 0.2)  # (g,)
    inside = the_last.inside(x[None, :], points[:, 1:2], points[:, 2:3])  # (n, g)
    exit_x = np.where(inside.any(axis=1), np.where(inside, x, -np.inf).max(axis=1), np.nan)
    return exit_x - points[:, 0]


def shoe_fit(vertices: np.ndarray, the_last: _shoe.Last) -> tuple[dict, np.ndarray, dict]:
    """
    Regions, per-vertex heat-map values and the scene to draw, for a foot (right frame) in ``the_last``.

    Returns
    -------
    result : dict
      ``regions``, ``min_clearance_mm``, ``foot_length_mm``.
    shown : (n,) float
      Each vertex's value on the heat scale (NaN outside the shoe).
    scene : dict
      ``foot`` (placed vertices), ``drawn`` (mask), ``backdrops`` (callable).
    """
    flat, placed = foot_in_shoe(the_last, vertices)
    low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
    foot_length = float(flat[low, 0].max())

    cavity = the_last.cavity()
    surface = np.asarray(cavity.vertices)
    normals = np.asarray(cavity.vertex_normals)
    # signed distance to the tangent plane of the nearest cavity vertex: positive inside (room)
    _, nearest = cKDTree(surface).query(placed, k=1)
    clearance = np.einsum("ij,ij->i", normals[nearest], surface[nearest] - placed)
    inside_shoe = placed[:, 2] < the_last.collar_z(placed[:, 0])

    index, y_min, y_max, z_max = _placement.bins(flat, inside_shoe)
    across = _placement.across(flat, index, y_min, y_max)
    u = flat[:, 0] / foot_length
    # sides: above the sole's rounded edge (where the room across is ill-defined on a scan)
    side_band = (flat[:, 2] > np.maximum(SIDE_FLOOR_MM, 0.15 * z_max[index])) & (flat[:, 2] < 0.7 * z_max[index])
    ball = inside_shoe & (u >= 0.62) & (u <= 0.80) & side_band
    heel_zone = inside_shoe & (u >= 0.12) & (u <= 0.22) & side_band & (flat[:, 2] < FOOTPRINT_HEIGHT_MM)
    instep = inside_shoe & (u >= 0.50) & (u <= 0.70) & (flat[:, 2] > 0.75 * z_max[index]) & (across > 0.25) & (
        across < 0.75)
    medial, lateral = across > 0.85, across < 0.15
    sides = ball | heel_zone
    room_across = np.full((len(placed), 2), np.nan)
    room_across[sides] = the_last.room_across(placed[sides])  # (n, 2): towards the medial, the lateral wall
    # a point above the last's section at its x pokes through the roof: count its (negative) clearance
    room_across = np.where(np.isfinite(room_across) | np.isnan(room_across), room_across,
                           np.minimum(clearance, 0.0)[:, None])
    heel_medial = least(room_across[heel_zone & medial, 0])
    heel_lateral = least(room_across[heel_zone & lateral, 1])
    heel_value = None if heel_medial is None or heel_lateral is None else (heel_medial + heel_lateral) / 2
    # toe room: from the foot's frontmost vertices (within 1.5 mm of its front) along +x; a line that misses
    # the last (a toe above the toe box) counts that vertex's clearance instead
    tip = float(placed[inside_shoe, 0].max())
    zone = inside_shoe & (placed[:, 0] > tip - heatmap.TOE_ZONE_MM[0])
    room = np.full(len(placed), np.nan)
    room[zone] = ray_room(the_last, placed[zone])
    front = inside_shoe & (placed[:, 0] >= tip - 1.5)
    toe = float(np.where(np.isfinite(room[front]), room[front], np.minimum(clearance[front], 0.0)).min())
    t = SHOE_THRESHOLDS_MM
    regions = {
        "toe": region(toe, t["toe"]),
        "ball_medial": region(least(room_across[ball & medial, 0]), t["ball_medial"]),
        "ball_lateral": region(least(room_across[ball & lateral, 1]), t["ball_lateral"]),
        "heel": region(heel_value, t["heel"], medial_mm=rounded(heel_medial), lateral_mm=rounded(heel_lateral)),
        "instep": region(least(clearance[instep]), t["instep"], covered=bool(instep.any())),
    }
    # heat map: the clearance (on the side scale); towards the toe tip the room ahead on the toe scale
    weight = heatmap.toe_weight(placed[:, 0], tip)
    ahead = np.where(np.isfinite(room), heatmap.on_scale(room, t["toe"]), clearance)
    shown = np.where(inside_shoe, (1 - weight) * clearance + weight * np.minimum(clearance, ahead), np.nan)
    drawn = flat[:, 2] < heatmap.DRAWN_HEIGHT_FRACTION * foot_length
    scene = {"foot": placed, "drawn": drawn,
             "backdrops": lambda: {"top": heatmap.shoe_plan_backdrop(the_last, placed),
                                   "side": heatmap.shoe_side_backdrop(the_last, placed)}}
    result = {"regions": regions, "min_clearance_mm": rounded(clearance[inside_shoe].min() if inside_shoe.any()
                                                              else None),
              "foot_length_mm": round(foot_length, 1)}
    return result, shown, scene
