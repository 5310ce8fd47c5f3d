"""
The insole's fit. The insole has no walls: its outline (:func:`.insole.shape`, the one the insole is built from)
is compared with the foot's footprint (the plan extent of the foot below :data:`._scan_frame.FOOTPRINT_HEIGHT_MM`),
region by region (``toe``, ``ball_medial``, ``ball_lateral``, ``heel``: how far the insole's edge is beyond the
foot's), and the arch support height with the foot's arch height (``arch``: the gap left under the arch, the arch
measured on the mesh by :func:`._placement.arch_height_mm`).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import shapely

from .. import _placement
from .. import insole as _insole
from .._scan_frame import FOOTPRINT_HEIGHT_MM
from . import heatmap
from .regions import ARCH_MIN_GAP_MM, ARCH_UNSUPPORTED_FRACTION, INSOLE_THRESHOLDS_MM, least, region, rounded


def insole_fit(params: _insole.InsoleParams, vertices: np.ndarray,
               shaped: _insole.InsoleShape) -> tuple[dict, np.ndarray, dict]:
    """
    Regions, per-vertex heat-map values and the scene to draw, for a foot (right frame) on the insole ``shaped``.

    Returns
    -------
    result, shown, scene : as :func:`.shoe_fit.shoe_fit`
    """
    profile = shaped.profile
    flat = _placement.placed_flat(vertices, params.foot.length_mm)
    flat = _placement.aligned(flat, shaped.placement, params.foot.length_mm)
    low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
    foot_length = float(flat[low, 0].max())

    index, y_min, y_max, _ = _placement.bins(flat, low, window=0)  # margins: the least over the bins is robust
    centres = _placement.bin_centres(flat, len(y_min))
    ins_lat, ins_med = profile(centres)
    covered = (centres >= profile.start_mm) & (centres <= profile.end_mm)
    ins_lat, ins_med = np.where(covered, ins_lat, np.nan), np.where(covered, ins_med, np.nan)
    u_bin = centres / foot_length
    medial_margin, lateral_margin = ins_med - y_max, y_min - ins_lat  # + the insole reaches beyond the foot

    def least_in(margin: np.ndarray, u0: float, u1: float) -> float | None:
        return least(margin[(u_bin >= u0) & (u_bin <= u1)])

    heel_medial, heel_lateral = least_in(medial_margin, 0.12, 0.22), least_in(lateral_margin, 0.12, 0.22)
    heel_value = None if heel_medial is None or heel_lateral is None else (heel_medial + heel_lateral) / 2
    # toe: from the foot's frontmost vertices along +x to the insole's edge
    tips = flat[low & (flat[:, 0] >= foot_length - 1.5)]
    x = np.arange(0.4 * foot_length, profile.end_mm + 0.5, 0.2)
    edge_lat, edge_med = profile(x)
    on = (tips[:, 1:2] >= edge_lat) & (tips[:, 1:2] <= edge_med) & (x <= profile.end_mm)
    boundary = shapely.LinearRing(profile.polygon(200))
    # a toe beside the insole's front (its line misses the outline): minus its distance to the outline
    beside = -shapely.distance(shapely.points(tips[:, 0], tips[:, 1]), boundary)
    toe = float(np.where(on.any(axis=1), np.where(on, x, -np.inf).max(axis=1) - tips[:, 0], beside).min())
    foot_arch = _placement.arch_height_mm(flat, foot_length)
    t = INSOLE_THRESHOLDS_MM
    arch_limits = (t["arch"][0], round(max(ARCH_UNSUPPORTED_FRACTION * foot_arch, ARCH_MIN_GAP_MM), 1))
    regions = {
        "toe": region(toe, t["toe"]),
        "ball_medial": region(least_in(medial_margin, 0.62, 0.80), t["ball_medial"]),
        "ball_lateral": region(least_in(lateral_margin, 0.62, 0.80), t["ball_lateral"]),
        "heel": region(heel_value, t["heel"], medial_mm=rounded(heel_medial), lateral_mm=rounded(heel_lateral)),
        "arch": region(foot_arch - shaped.arch_mm, arch_limits, support_mm=round(shaped.arch_mm, 1),
                       foot_arch_mm=round(foot_arch, 1)),
    }
    # heat map: each half-section of the foot shows its side's margin at its x, the toes the toe margin,
    # the medial underside of the arch the arch gap, each on the heat scale
    _, y_min_w, y_max_w, _ = _placement.bins(flat, low)
    across = _placement.across(flat, index, y_min_w, y_max_w)
    side_margin = np.where(across >= 0.5, medial_margin[index], lateral_margin[index])
    shown = heatmap.on_scale(side_margin, t["ball_medial"])
    weight = heatmap.toe_weight(flat[:, 0], foot_length)
    shown = (1 - weight) * shown + weight * heatmap.on_scale(toe, t["toe"])
    u = flat[:, 0] / foot_length
    arch = (u >= 0.2) & (u <= 0.6) & (across > 0.5) & (flat[:, 2] < foot_arch + 4.0)
    shown = np.where(arch, heatmap.on_scale(foot_arch - shaped.arch_mm, arch_limits), shown)
    shown[flat[:, 2] > _placement.HEEL_LOW_MM] = np.nan  # the ankle: nothing to do with the insole
    # the foot stands on the insole's base; the heat map draws the insole (without pockets) under it
    placed = flat + np.array([0.0, 0.0, params.thickness_mm])

    def backdrops() -> dict:
        plate = _insole.insole_plate(replace(params, side="right", cushioning="none"), shaped)
        return {"top": [(plate, heatmap.INSOLE_COLOUR)], "side": [(plate, heatmap.INSOLE_COLOUR)]}

    margins = [toe, least_in(medial_margin, 0.0, 1.0), least_in(lateral_margin, 0.0, 1.0)]
    result = {"regions": regions, "min_clearance_mm": rounded(min(m for m in margins if m is not None)),
              "foot_length_mm": round(foot_length, 1)}
    drawn = flat[:, 2] < heatmap.DRAWN_HEIGHT_FRACTION * foot_length
    return result, shown, {"foot": placed, "drawn": drawn, "backdrops": backdrops}
