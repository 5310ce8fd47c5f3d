"""
Shoe sizes from measured feet: Mondopoint, EU (Paris points), UK and US men's / women's, and a width
fitting. Pure arithmetic on the published definitions of the systems -- no size table is copied.

Definitions (all lengths mm; 1 inch = 25.4 mm):

* **Mondopoint** (ISO 9407): the size *is* the foot length in mm, with the ball width in mm after a
  slash ("265/100"). Sizes go in 5 mm steps; a size covers feet within ±2.5 mm of it.
* **Last length**: EU, UK and US sizes number the last (the shoe's inside), which is longer than the foot
  by a toe allowance. We use :data:`LAST_ALLOWANCE_MM` = 15 mm (1.5 cm, the allowance the common
  statement "EU size = 1.5 × (foot length in cm + 1.5)" uses) for all three, so the systems agree with
  each other and with Mondopoint.
* **EU** (Paris point = 2/3 cm): EU size = last length / (20/3 mm) = 1.5 × last length in cm; whole sizes.
* **UK** (barleycorn = 1/3 inch): UK adult size = 3 × last length in inches − 25; half sizes. Below
  adult size 1 the children's scale continues: UK children's = 3 × last length in inches − 12 (child 13½
  is followed by adult 1).
* **US men's**: 3 × last length in inches − 24 (UK + 1); **US women's**: US men's + 1.5 (the customary
  scale; some makers use + 1); half sizes; children's: 3 × last length in inches − 11⅔.

Rounding: to the nearest size of the system, ties up. The half step that a size may be short of the
foot (≤ 2.5 mm Mondopoint, ≤ 3.3 mm EU, ≤ 2.1 mm UK/US) is well inside the 15 mm allowance.

Width fitting: the ball girth against the girth expected for the foot length,
:data:`EXPECTED_GIRTH` (a least-squares line through all 6,068 ANSUR II soldiers, both sexes; residual
sd 10.6 mm), in steps of :data:`FITTING_STEP_MM` = 1/4 inch, the girth between neighbouring traditional
UK width fittings (e.g. F to G). Within ±1.5 steps is "standard" (64 % of ANSUR II), below "narrow"
(18 %), up to 3 steps above "wide" (14 %), beyond "extra_wide" (4 %).

Both feet are sized to the longer one (a shoe too short hurts, a shoe a little long can be padded);
the width fitting is that of the wider foot (by girth difference), and the Mondopoint width is the larger
ball width.

Uncertain lengths: a scanned length comes with a plus or minus (``uncertainty_mm``). When the length's
range straddles two neighbouring EU sizes, the larger is picked, for the same reason (too short hurts);
when it spans more than two, the scan cannot choose and the size of the measured length is kept, with
advice to rescan or measure by hand. Either way the recommendation says so (``length_uncertainty``).
"""
from __future__ import annotations

import bisect
import math
from typing import Mapping

from .errors import ParameterError
from .foot import FootMeasurements

INCH_MM = 25.4
BARLEYCORN_MM = INCH_MM / 3
"""UK/US size step: 1/3 inch."""
PARIS_POINT_MM = 20.0 / 3
"""EU size step: 2/3 cm."""
MONDOPOINT_STEP_MM = 5.0
LAST_ALLOWANCE_MM = 15.0
"""Last length = foot length + this, for the EU, UK and US sizes."""
US_WOMEN_OFFSET = 1.5
"""US women's size = US men's size + this."""

EXPECTED_GIRTH = (45.83, 0.7541)
"""Ball girth expected for a foot length: ``a + b * length_mm`` (ANSUR II, both sexes, least squares)."""
FITTING_STEP_MM = INCH_MM / 4
"""Girth between neighbouring width fittings."""
FITTINGS = ("narrow", "standard", "wide", "extra_wide")
FITTING_BOUNDS_STEPS = (-1.5, 1.5, 3.0)
"""Girth above the expected, in fitting steps: up to -1.5 narrow, up to 1.5 standard, up to 3 wide, beyond extra wide."""

SAME_LENGTH_MM = 1.0
"""Feet closer in length than this are "the same length" (the measurement's own uncertainty)."""


def _round_half_up(value: float, step: float) -> float:
    """``value`` rounded to the nearest multiple of ``step``, ties up (with float noise forgiven)."""
    return step * math.floor(value / step + 0.5 + 1e-9)


def _clean(number: float) -> float | int:
    """A size as JSON: whole sizes as int, halves as float."""
    return int(number) if float(number).is_integer() else float(number)


def last_length_mm(foot_length_mm: float) -> float:
    """Length of the last a foot of this length is sized to (EU, UK, US)."""
    return foot_length_mm + LAST_ALLOWANCE_MM


def mondopoint(foot_length_mm: float, ball_width_mm: float) -> dict:
    """Mondopoint size (ISO 9407): nearest 5 mm of foot length, and the ball width in whole mm."""
    length = _round_half_up(foot_length_mm, MONDOPOINT_STEP_MM)
    width = round(ball_width_mm)
    return {"size": _clean(length), "width_mm": width, "label": f"{length:g}/{width}",
            "foot_length_mm": float(length), "step_mm": MONDOPOINT_STEP_MM}


def eu(foot_length_mm: float) -> dict:
    """EU (Paris point) size: last length in Paris points, whole sizes."""
    exact = last_length_mm(foot_length_mm) / PARIS_POINT_MM
    size = _round_half_up(exact, 1.0)
    return {"size": _clean(size), "label": f"{size:g}", "exact": round(exact, 2),
            "foot_length_mm": round(size * PARIS_POINT_MM - LAST_ALLOWANCE_MM, 1), "step_mm": round(PARIS_POINT_MM, 2)}


def _barleycorn(foot_length_mm: float, adult_offset: float, child_offset: float) -> dict:
    """
    A barleycorn system: ``3 * last_in - adult_offset`` in half sizes; below adult 1 the children's scale
    ``3 * last_in - child_offset``.
    """
    barleycorns = last_length_mm(foot_length_mm) / BARLEYCORN_MM  # 3 x last length in inches
    exact = barleycorns - adult_offset
    size = _round_half_up(exact, 0.5)
    children = size < 1.0
    if children:
        exact = barleycorns - child_offset
        size = _round_half_up(exact, 0.5)
        offset = child_offset
    else:
        offset = adult_offset
    label = f"{size:g}" + (" (children's)" if children else "")
    return {"size": _clean(size), "label": label, "exact": round(exact, 2), "children": children,
            "foot_length_mm": round((size + offset) * BARLEYCORN_MM - LAST_ALLOWANCE_MM, 1),
            "step_mm": round(BARLEYCORN_MM / 2, 2)}


def uk(foot_length_mm: float) -> dict:
    """UK size: 3 x last length (in) - 25, half sizes; children's 3 x last - 12 below adult 1."""
    return _barleycorn(foot_length_mm, 25.0, 12.0)


def us_men(foot_length_mm: float) -> dict:
    """US men's size: 3 x last length (in) - 24, half sizes; children's 3 x last - 11 2/3 below 1."""
    return _barleycorn(foot_length_mm, 24.0, 35.0 / 3)


def us_women(foot_length_mm: float) -> dict:
    """US women's size: US men's + 1.5, half sizes; children's as US men's below 1."""
    return _barleycorn(foot_length_mm, 24.0 - US_WOMEN_OFFSET, 35.0 / 3)


def width_fitting(foot_length_mm: float, ball_girth_mm: float) -> dict:
    """
    Width fitting from the ball girth against the girth expected for the length (see the module doc).

    Returns
    -------
    width : dict
      ``{"fitting": "narrow" | "standard" | "wide" | "extra_wide", "girth_mm", "expected_girth_mm",
      "difference_mm", "steps"}``; steps = difference / :data:`FITTING_STEP_MM`.
    """
    expected = EXPECTED_GIRTH[0] + EXPECTED_GIRTH[1] * foot_length_mm
    steps = (ball_girth_mm - expected) / FITTING_STEP_MM
    return {"fitting": FITTINGS[bisect.bisect_left(FITTING_BOUNDS_STEPS, steps)], "girth_mm": round(ball_girth_mm, 1),
            "expected_girth_mm": round(expected, 1), "difference_mm": round(ball_girth_mm - expected, 1),
            "steps": round(steps, 2)}


def sizes_for_length(foot_length_mm: float, ball_width_mm: float) -> dict:
    """Every system's size for one foot length (the ``sizes`` of :func:`size_recommend`)."""
    return {"mondopoint": mondopoint(foot_length_mm, ball_width_mm), "eu": eu(foot_length_mm),
            "uk": uk(foot_length_mm), "us_men": us_men(foot_length_mm), "us_women": us_women(foot_length_mm)}


def length_uncertainty(foot_length_mm: float, uncertainty_mm: float, side: str) -> dict:
    """
    What a length's plus or minus means for the EU size (see the module doc).

    Returns
    -------
    judged : dict
      ``{"code": "one_size" | "between_sizes" | "uncertain_length", "side", "length_mm", "uncertainty_mm",
      "system": "eu", "sizes": [EU sizes from the shortest to the longest length], "picked": EU size,
      "picked_length_mm": the foot length the picked size is computed for}``.
    """
    low, high = eu(foot_length_mm - uncertainty_mm)["size"], eu(foot_length_mm + uncertainty_mm)["size"]
    sizes = list(range(int(low), int(high) + 1))
    if len(sizes) == 1:
        code, picked_length = "one_size", foot_length_mm
    elif len(sizes) == 2:
        code, picked_length = "between_sizes", foot_length_mm + uncertainty_mm
    else:
        code, picked_length = "uncertain_length", foot_length_mm
    return {"code": code, "side": side, "length_mm": foot_length_mm, "uncertainty_mm": uncertainty_mm,
            "system": "eu", "sizes": sizes, "picked": eu(picked_length)["size"], "picked_length_mm": picked_length}


_UNCERTAINTY_TEXT = {
    "one_size": "Your {side} foot measures {length:g} ± {u:g} mm: that is EU {picked} either way.",
    "between_sizes": "Your {side} foot measures {length:g} ± {u:g} mm, between EU {low} and {high}; the larger, "
                     "EU {picked}, is picked (a shoe a little long can be padded, one too short hurts).",
    "uncertain_length": "Your {side} foot measures {length:g} ± {u:g} mm, anywhere from EU {low} to {high}; EU "
                        "{picked} is the measured length's size. A better scan or a measured length would narrow it.",
}
"""English texts of :func:`length_uncertainty`'s codes (the Django side translates from the codes and numbers)."""


def size_recommend(feet: Mapping[str, Mapping], *, uncertainty_mm: Mapping[str, float] | None = None) -> dict:
    """
    Recommend shoe sizes for one or both feet.

    Parameters
    ----------
    feet : mapping
      ``{"left": {...}, "right": {...}}``, one or both sides, each the six measurements in mm
      (``length_mm``, ``ball_width_mm``, ``ball_girth_mm``, ``instep_girth_mm``, ``heel_width_mm``,
      ``arch_height_mm``).
    uncertainty_mm : mapping, optional
      ``{side: plus or minus mm of that foot's length}`` (a scan's); sides without one are taken as exact.

    Returns
    -------
    recommendation : dict
      JSON-safe::

        {"sized_to": "left" | "right", "foot_length_mm" (of that foot), "ball_width_mm" (the wider foot's),
         "sizes": {"mondopoint": {"size": 270, "width_mm": 101, "label": "270/101", ...},
                   "eu": {"size": 43, "exact": 42.67, ...}, "uk": {...}, "us_men": {...}, "us_women": {...}},
         "width": {"fitting": "standard", "side": "right", "girth_mm", "expected_girth_mm", "difference_mm",
                   "steps"},
         "feet": {side: {"length_mm", "ball_width_mm", "ball_girth_mm", "mondopoint", "width_fitting"}},
         "reason": {"code": "longer_foot" | "same_length" | "one_foot", "side", "difference_mm"},
         "reason_text": "Your left foot is 4 mm longer; sized to it.",
         "length_uncertainty": None or :func:`length_uncertainty` of the sized foot}

      Each size has ``foot_length_mm``: the foot length the size stands for. When the sized foot's length is
      uncertain, ``sizes`` are those of ``length_uncertainty["picked_length_mm"]`` and ``reason_text`` says why.

    Raises
    ------
    ParameterError
      No side, an unknown side, or invalid measurements (``field`` names the culprit).
    """
    if not isinstance(feet, Mapping) or not feet:
        raise ParameterError("feet", "give the measurements of the left foot, the right foot or both",
                             value=None, allowed="'left', 'right'")
    unknown = sorted(str(side) for side in feet if side not in ("left", "right"))
    if unknown:
        raise ParameterError("feet", "a foot is either left or right", value=unknown[0], allowed="'left', 'right'")
    measured = {side: (data if isinstance(data, FootMeasurements) else FootMeasurements.from_dict(data))
                for side, data in sorted(feet.items())}
    widths = {side: width_fitting(foot.length_mm, foot.ball_girth_mm) for side, foot in measured.items()}
    # the longer foot; on a tie the wider one (by girth), then the right (an arbitrary but stable choice)
    order = sorted(measured, key=lambda s: (measured[s].length_mm, widths[s]["steps"], s == "right"))
    sized_to = order[-1]
    foot = measured[sized_to]
    if len(measured) == 1:
        reason = {"code": "one_foot", "side": sized_to, "difference_mm": None}
        text = f"Only your {sized_to} foot was measured; sized to it."
    else:
        other = order[0]
        difference = round(foot.length_mm - measured[other].length_mm, 1)
        if difference < SAME_LENGTH_MM:
            reason = {"code": "same_length", "side": sized_to, "difference_mm": difference}
            text = "Your feet are the same length; sized to them."
        else:
            reason = {"code": "longer_foot", "side": sized_to, "difference_mm": difference}
            text = f"Your {sized_to} foot is {difference:g} mm longer; sized to it."
    wider = max(widths, key=lambda s: (widths[s]["steps"], s == sized_to))
    ball_width = max(m.ball_width_mm for m in measured.values())
    judged, sized_length = None, foot.length_mm
    plus_minus = (uncertainty_mm or {}).get(sized_to)
    if plus_minus is not None:
        if isinstance(plus_minus, bool) or not isinstance(plus_minus, (int, float)) or not 0 <= plus_minus <= 50:
            raise ParameterError("uncertainty_mm", "the length's uncertainty must be 0-50 mm", value=plus_minus,
                                 allowed="0–50 mm")
        judged = length_uncertainty(foot.length_mm, float(plus_minus), sized_to)
        sized_length = judged["picked_length_mm"]
        low, high = judged["sizes"][0], judged["sizes"][-1]
        text += " " + _UNCERTAINTY_TEXT[judged["code"]].format(side=sized_to, length=round(foot.length_mm, 1),
                                                               u=float(plus_minus), low=low, high=high,
                                                               picked=judged["picked"])
    return {
        "sized_to": sized_to,
        "foot_length_mm": foot.length_mm,
        "ball_width_mm": ball_width,
        "sizes": sizes_for_length(sized_length, ball_width),
        "width": {**widths[wider], "side": wider},
        "feet": {side: {"length_mm": m.length_mm, "ball_width_mm": m.ball_width_mm, "ball_girth_mm": m.ball_girth_mm,
                        "mondopoint": mondopoint(m.length_mm, m.ball_width_mm)["label"],
                        "width_fitting": widths[side]["fitting"]}
                 for side, m in measured.items()},
        "reason": reason,
        "reason_text": text,
        "length_uncertainty": judged,
    }
