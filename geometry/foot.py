"""One foot's measurements in millimetres, validated for plausibility."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

from .errors import ParameterError

# Generous adult ranges. ANSUR II (6,068 soldiers, both sexes) spans footlength 198–323,
# footbreadthhorizontal 77–126, balloffootcircumference 186–306, heelbreadth 48–93 and
# heelanklecircumference 258–403 mm; instep girth (~0.75 x heel-ankle girth or ~1.02 x ball girth,
# 190–310 mm there) and arch height (typically 10–30 mm) are not in ANSUR.
MEASUREMENT_RANGES_MM: dict[str, tuple[float, float]] = {
    "length_mm": (150.0, 350.0),
    "ball_width_mm": (60.0, 150.0),
    "ball_girth_mm": (150.0, 380.0),
    "instep_girth_mm": (150.0, 400.0),
    "heel_width_mm": (35.0, 120.0),
    "arch_height_mm": (5.0, 45.0),
}

# A typical adult right foot (ANSUR II medians, male; instep and arch from the usual proportions): what the
# configurator shows before someone's own measurements exist, and the demo customer's feet.
TYPICAL_FOOT_MM: dict[str, float] = {
    "length_mm": 268.0, "ball_width_mm": 101.0, "ball_girth_mm": 247.0, "instep_girth_mm": 252.0,
    "heel_width_mm": 66.0, "arch_height_mm": 18.0,
}

_LABELS = {
    "length_mm": "foot length",
    "ball_width_mm": "ball width",
    "ball_girth_mm": "ball girth",
    "instep_girth_mm": "instep girth",
    "heel_width_mm": "heel width",
    "arch_height_mm": "arch height",
}


def _allowed(name: str) -> str:
    low, high = MEASUREMENT_RANGES_MM[name]
    return f"{low:g}–{high:g} mm"


def _range_params(name: str) -> dict:
    low, high = MEASUREMENT_RANGES_MM[name]
    return {"min": low, "max": high, "unit": "mm"}


def _check_one(name: str, value: Any) -> float:
    """Validate one measurement in mm and return it as float."""
    label, allowed = _LABELS[name], _allowed(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(name, f"the {label} must be a number of millimetres", value=value, allowed=allowed,
                             code="not_a_number", params=_range_params(name))
    number = float(value)
    if not math.isfinite(number):
        raise ParameterError(name, f"the {label} must be a finite number of millimetres", value=value,
                             allowed=allowed, code="not_a_number", params=_range_params(name))
    if number <= 0:
        raise ParameterError(name, f"the {label} must be positive", value=value, allowed=allowed,
                             code="out_of_range", params=_range_params(name))
    low, high = MEASUREMENT_RANGES_MM[name]
    if not low <= number <= high:
        hint, code, params = "", "out_of_range", _range_params(name)
        if number < low and low <= number * 10 <= high:
            hint = f"; it looks like centimetres, enter {number * 10:g} for {number:g} cm"
            code, params = "out_of_range_cm", {**params, "value": number, "mm": round(number * 10, 1)}
        elif number < low and low <= number * 1000 <= high:
            hint = f"; it looks like metres, enter {number * 1000:g} for {number:g} m"
            code, params = "out_of_range_m", {**params, "value": number, "mm": round(number * 1000, 1)}
        raise ParameterError(name, f"the {label} is outside the plausible range for an adult foot in mm{hint}",
                             value=value, allowed=allowed, code=code, params=params)
    return number


@dataclass(frozen=True)
class FootMeasurements:
    """
    Measurements of one foot, all in mm.

    Attributes
    ----------
    length_mm : float
      Heel to tip of the longest toe.
    ball_width_mm : float
      Maximum horizontal breadth across the ball (ANSUR ``footbreadthhorizontal``).
    ball_girth_mm : float
      Circumference around the ball in the oblique plane through the 1st and 5th metatarsal heads (ANSUR
      ``balloffootcircumference``).
    instep_girth_mm : float
      Circumference around the instep, square to the foot's axis at 55 % of the length from the heel.

    Where each tape goes is written once, in :mod:`geometry.measurements`.
    heel_width_mm : float
      Breadth of the heel (ANSUR ``heelbreadth``).
    arch_height_mm : float
      Height of the medial arch above the floor, under the foot.
    """

    length_mm: float
    ball_width_mm: float
    ball_girth_mm: float
    instep_girth_mm: float
    heel_width_mm: float
    arch_height_mm: float

    def __post_init__(self) -> None:
        for field in fields(self):
            object.__setattr__(self, field.name, _check_one(field.name, getattr(self, field.name)))
        self._check_proportions()

    def _check_proportions(self) -> None:
        """Cross-field plausibility: catches swapped fields and typos that are each in range."""
        length, width, girth = self.length_mm, self.ball_width_mm, self.ball_girth_mm
        if girth < 2.0 * width:
            raise ParameterError(
                "ball_girth_mm", f"the ball girth goes round the ball, so it must be at least twice the ball "
                f"width ({width:g} mm)", value=girth, allowed=f"{2 * width:g}–{math.pi * width:.0f} mm",
                code="girth_below_width", params={"width": width, "min": 2 * width, "max": round(math.pi * width)})
        if girth > math.pi * width:
            raise ParameterError(
                "ball_girth_mm", f"the ball girth is larger than a circle of the ball width ({width:g} mm) allows",
                value=girth, allowed=f"{2 * width:g}–{math.pi * width:.0f} mm",
                code="girth_above_width", params={"width": width, "min": 2 * width, "max": round(math.pi * width)})
        if not 0.25 * length <= width <= 0.5 * length:
            raise ParameterError(
                "ball_width_mm", f"the ball width does not fit a foot {length:g} mm long", value=width,
                allowed=f"{0.25 * length:.0f}–{0.5 * length:.0f} mm (25–50 % of the foot length)",
                code="width_vs_length", params={"length": length, "min": round(0.25 * length), "max": round(0.5 * length)})
        if self.heel_width_mm > width + 5.0:
            raise ParameterError(
                "heel_width_mm", "the heel must be narrower than the ball", value=self.heel_width_mm,
                allowed=f"up to {width + 5.0:g} mm (ball width + 5 mm)", code="heel_vs_ball", params={"max": width + 5.0})
        if not 0.8 * girth <= self.instep_girth_mm <= 1.4 * girth:
            raise ParameterError(
                "instep_girth_mm", f"the instep girth does not match the ball girth ({girth:g} mm)",
                value=self.instep_girth_mm, allowed=f"{0.8 * girth:.0f}–{1.4 * girth:.0f} mm (80–140 % of ball girth)",
                code="instep_vs_girth", params={"girth": girth, "min": round(0.8 * girth), "max": round(1.4 * girth)})
        if self.arch_height_mm > 0.2 * length:
            raise ParameterError(
                "arch_height_mm", f"the arch height does not fit a foot {length:g} mm long",
                value=self.arch_height_mm, allowed=f"up to {0.2 * length:.0f} mm",
                code="arch_vs_length", params={"length": length, "max": round(0.2 * length)})

    @classmethod
    def from_dict(cls, data: Mapping) -> "FootMeasurements":
        """
        Validate a mapping of the six measurements (mm) and build the dataclass.

        Raises
        ------
        ParameterError
          Missing or unknown field, non-number, NaN/inf, non-positive, out of range (with a
          centimetre/metre hint) or implausible proportions; ``field`` names the culprit.
        """
        if not isinstance(data, Mapping):
            raise ParameterError("foot", "the foot measurements must be a mapping of name to mm", value=None,
                                 allowed=", ".join(MEASUREMENT_RANGES_MM))
        unknown = sorted(str(key) for key in data if key not in MEASUREMENT_RANGES_MM)
        if unknown:
            raise ParameterError(unknown[0], "this is not a foot measurement we use", value=data[unknown[0]],
                                 allowed=", ".join(MEASUREMENT_RANGES_MM))
        for name in MEASUREMENT_RANGES_MM:
            if name not in data:
                raise ParameterError(name, f"the {_LABELS[name]} is missing", allowed=_allowed(name),
                                     code="missing", params=_range_params(name))
        # each value is checked in order first, so the error names the first bad field
        values = {name: _check_one(name, data[name]) for name in MEASUREMENT_RANGES_MM}
        return cls(**values)

    def to_dict(self) -> dict:
        """Plain ``{name: float}`` in mm."""
        return asdict(self)
