"""
"Start from my shoe size": the six measurements estimated from an EU, UK or US size and a width fitting.

Pure arithmetic, no Django. The size gives the foot length by inverting the size definitions of
:mod:`geometry.sizing` (the size's last length minus :data:`~geometry.sizing.LAST_ALLOWANCE_MM`, so that
``sizing.eu(estimate["length_mm"])`` gives the size back). The other measurements follow the length as ANSUR II's
6,068 soldiers (both sexes, ``tests/data/anthropometry``) do:

* ball girth: :data:`~geometry.sizing.EXPECTED_GIRTH` (least squares on the length, residual sd 10.6 mm), moved by
  the width fitting to :data:`FITTING_CENTRE_STEPS`, the mean girth of the ANSUR feet of that fitting, in fitting
  steps above the expected girth (narrow 18 % of ANSUR, standard 64 %, wide 14 %, extra wide 4 %);
* ball width: :data:`BALL_WIDTH` on the length and the girth above the expected (residual sd 2.5 mm);
* heel width: :data:`HEEL_WIDTH` on the length and the girth above the expected (residual sd 4.4 mm);
* instep girth and arch height are not in ANSUR: the proportions of the typical foot
  (:data:`geometry.foot.TYPICAL_FOOT_MM`): instep girth 252/247 of the ball girth, arch height 18/268 of the length.

``bench/ansur_proportions.py`` refits the ANSUR constants from the data and prints them; a test checks that the
constants here are what the data gives. An estimate is a starting point: a size is a 6.7 mm (EU) or 8.5 mm (UK/US)
band of lengths, and people of one length differ by the residual spreads above.
"""
from __future__ import annotations

from . import sizing
from .errors import ParameterError
from .foot import TYPICAL_FOOT_MM, FootMeasurements

SYSTEMS = ("eu", "uk", "us_men", "us_women")
"""Size systems a shopper can start from (Mondopoint is a length already)."""

SIZE_RANGES = {"eu": (33.0, 50.0), "uk": (1.0, 15.0), "us_men": (2.0, 16.0), "us_women": (3.5, 17.5)}
"""Adult sizes accepted, inclusive: EU whole sizes, UK/US half sizes (ANSUR's 198-323 mm feet and a margin)."""
SIZE_STEPS = {"eu": 1.0, "uk": 0.5, "us_men": 0.5, "us_women": 0.5}

FITTING_CENTRE_STEPS = {"narrow": -2.38, "standard": -0.03, "wide": 2.11, "extra_wide": 3.73}
"""Mean ball girth of ANSUR II feet of each fitting, in :data:`~geometry.sizing.FITTING_STEP_MM` above the expected."""

BALL_WIDTH = (22.267, 0.29120, 0.33175)
"""Ball width = a + b * length + c * (girth - expected girth), mm (ANSUR II least squares)."""
HEEL_WIDTH = (15.607, 0.20966, 0.13920)
"""Heel width = a + b * length + c * (girth - expected girth), mm (ANSUR II least squares)."""

INSTEP_PER_BALL_GIRTH = TYPICAL_FOOT_MM["instep_girth_mm"] / TYPICAL_FOOT_MM["ball_girth_mm"]
ARCH_PER_LENGTH = TYPICAL_FOOT_MM["arch_height_mm"] / TYPICAL_FOOT_MM["length_mm"]

_ADULT_OFFSETS = {"uk": 25.0, "us_men": 24.0, "us_women": 24.0 - sizing.US_WOMEN_OFFSET}


def foot_length_for_size(system: str, size: float) -> float:
    """
    The foot length (mm) a size stands for: the inverse of :mod:`geometry.sizing`'s definitions.

    Raises
    ------
    ParameterError
      An unknown system (code ``unknown_choice``), a size that is not a number, outside :data:`SIZE_RANGES`
      (``size_out_of_range``) or not on the system's steps (``size_step``).
    """
    if system not in SYSTEMS:
        raise ParameterError("system", "the size system is not one of the choices", value=system,
                             allowed=", ".join(SYSTEMS), code="unknown_choice",
                             params={"choices": ", ".join(SYSTEMS)})
    if isinstance(size, bool) or not isinstance(size, (int, float)) or size != size:
        raise ParameterError("size", "the size must be a number", value=size, code="not_a_number")
    low, high = SIZE_RANGES[system]
    if not low <= size <= high:
        raise ParameterError("size", "the size is outside the adult sizes of this system", value=size,
                             allowed=f"{low:g}–{high:g}", code="size_out_of_range",
                             params={"min": low, "max": high})
    step = SIZE_STEPS[system]
    if abs(size / step - round(size / step)) > 1e-9:
        raise ParameterError("size", "the size is not one of the system's sizes", value=size,
                             allowed="whole sizes" if step == 1 else "whole or half sizes", code="size_step",
                             params={"step": step})
    if system == "eu":
        last = size * sizing.PARIS_POINT_MM
    else:
        last = (size + _ADULT_OFFSETS[system]) * sizing.BARLEYCORN_MM
    return last - sizing.LAST_ALLOWANCE_MM


def measurements_from_size(system: str, size: float, fitting: str = "standard") -> dict[str, float]:
    """
    The six measurements of a typical foot of this size and width fitting, mm, rounded to 0.5 mm.

    Returns
    -------
    feet : dict
      ``{"length_mm", "ball_width_mm", "ball_girth_mm", "instep_girth_mm", "heel_width_mm", "arch_height_mm"}``;
      valid :class:`~geometry.foot.FootMeasurements`, and ``sizing.eu`` / ``uk`` / ``us_*`` of the length give
      the size back, ``sizing.width_fitting`` the fitting.

    Raises
    ------
    ParameterError
      See :func:`foot_length_for_size`; an unknown fitting (``unknown_choice``).
    """
    if fitting not in FITTING_CENTRE_STEPS:
        raise ParameterError("fitting", "the width fitting is not one of the choices", value=fitting,
                             allowed=", ".join(FITTING_CENTRE_STEPS), code="unknown_choice",
                             params={"choices": ", ".join(FITTING_CENTRE_STEPS)})
    length = foot_length_for_size(system, size)
    expected = sizing.EXPECTED_GIRTH[0] + sizing.EXPECTED_GIRTH[1] * length
    above = FITTING_CENTRE_STEPS[fitting] * sizing.FITTING_STEP_MM
    girth = expected + above
    values = {
        "length_mm": length,
        "ball_width_mm": BALL_WIDTH[0] + BALL_WIDTH[1] * length + BALL_WIDTH[2] * above,
        "ball_girth_mm": girth,
        "instep_girth_mm": INSTEP_PER_BALL_GIRTH * girth,
        "heel_width_mm": HEEL_WIDTH[0] + HEEL_WIDTH[1] * length + HEEL_WIDTH[2] * above,
        "arch_height_mm": ARCH_PER_LENGTH * length,
    }
    # the length to 0.1 mm so the size reads back exactly; the rest to the half millimetre people type
    rounded = {name: round(value * 2) / 2 for name, value in values.items()}
    rounded["length_mm"] = round(length, 1)
    FootMeasurements.from_dict(rounded)  # the estimate is a plausible foot by the one definition of one
    return rounded
