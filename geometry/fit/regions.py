"""The fit regions' thresholds and how a region's value becomes its status."""
from __future__ import annotations

import numpy as np

SHOE_THRESHOLDS_MM: dict[str, tuple[float, float]] = {
    # Toe room in front of the longest toe: the foot slides forward ~5 mm in each step and the toes need
    # to spread; fitters ask for "a thumb's width" (~10-15 mm) of last length beyond the foot. Measured at
    # the toe tip's height, 12 mm of toe allowance (our default) gives ~10 mm here, 5 mm gives ~3 mm.
    "toe": (6.0, 18.0),
    # Each side of the ball: the last is as wide as the foot at the ball (firm but not pressing); more than
    # 1.5 mm into the foot pinches, more than 4 mm of room per side (a shoe 8 mm wider than the foot, about
    # four width fittings) lets the foot slide across.
    "ball_medial": (-1.5, 4.0),
    "ball_lateral": (-1.5, 4.0),
    # Sides of the heel (mean of both): the heel counter should hold the heel; 2 mm into it pinches,
    # more than 3 mm of room per side lets the heel slip.
    "heel": (-2.0, 3.0),
    # Over the instep: the upper may bear on it slightly (it is soft), more than 1.5 mm presses on the
    # top of the foot; more than 8 mm of room feels sloppy.
    "instep": (-1.5, 8.0),
}
"""Shoe regions: (tight below, loose above) in mm of clearance."""

INSOLE_THRESHOLDS_MM: dict[str, tuple[float, float]] = {
    # Insole length beyond the longest toe: toes hanging 2 mm over the end are felt; more than 15 mm is
    # usually trimmed to fit the shoe.
    "toe": (-2.0, 15.0),
    # Insole edge beyond the foot's footprint, each side of the ball: the forefoot spreads over a 3 mm
    # narrower insole without feeling the edge; more than 5 mm wider no longer fits most shoes.
    "ball_medial": (-3.0, 5.0),
    "ball_lateral": (-3.0, 5.0),
    # Heel (mean of both sides): the heel cup rim must be outside the heel.
    "heel": (-3.0, 5.0),
    # Gap between the arch support and the arch: the support must not be higher than the arch (it would
    # push into it). The loose limit depends on the arch: see ARCH_UNSUPPORTED_FRACTION.
    "arch": (0.0, None),
}
"""Insole regions: (tight below, loose above) in mm."""
ARCH_UNSUPPORTED_FRACTION = 0.7
"""The arch is loose (little support) when the gap under it exceeds this share of the arch height ..."""
ARCH_MIN_GAP_MM = 6.0
"""... and this many mm (a flat foot needs no support)."""
LOWEST_COUNT = 3
""""Least room" in a region: the mean of this many smallest values, so one noisy scan vertex does not decide."""


def status_of(value_mm: float | None, thresholds: tuple[float, float]) -> str:
    """``"tight"`` below the first threshold, ``"loose"`` above the second, else ``"ok"`` (also for None)."""
    if value_mm is None:
        return "ok"
    low, high = thresholds
    return "tight" if value_mm < low else "loose" if value_mm > high else "ok"


def rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1) + 0.0  # + 0.0: no "-0.0"


def least(values: np.ndarray) -> float | None:
    """Mean of the :data:`LOWEST_COUNT` smallest values (None if there are none)."""
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return None
    return float(np.sort(values)[:LOWEST_COUNT].mean())


def region(value_mm: float | None, thresholds: tuple[float, float], **extra) -> dict:
    """One region of the result: its rounded value, status and thresholds, and any extra figures."""
    return {"value_mm": rounded(value_mm), "status": status_of(value_mm, thresholds), "tight_below_mm": thresholds[0],
            "loose_above_mm": thresholds[1], **extra}
