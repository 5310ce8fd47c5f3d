"""Parameter base class and the option schema shared by validation, the API and the web form."""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from .errors import ParameterError

COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
"""A colour as options, print files and previews take it: ``"#rrggbb"``."""


def _fmt(number: float) -> str:
    """Short human number: 4.0 -> '4', 2.5 -> '2.5'."""
    return f"{number:g}"


@dataclass(frozen=True)
class OptionSpec:
    """
    One product option, as shown in the form and checked on input.

    ``type`` is one of ``"number"``, ``"choice"``, ``"color"``, ``"text"``.

    Text options are limited to ``max_length`` characters (published as ``"max"`` in the schema)
    and, if ``pattern`` is set, must match it in full after upper-casing when ``uppercase`` is true
    (the value is then stored upper-cased).
    """

    name: str
    label: str
    type: str
    default: Any
    unit: str = ""
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[str, ...] | None = None
    help: str = ""
    max_length: int = 40  # only for "text"
    pattern: str | None = None  # only for "text": regular expression the whole value must match
    uppercase: bool = False  # only for "text": normalise to upper case before matching
    driven_by: tuple[str, ...] = ()  # foot measurements this option works with (e.g. the arch height)
    constrained_by: tuple[str, ...] = ()  # measurements and options that narrow its allowed range

    def to_dict(self) -> dict:
        """JSON-safe schema entry."""
        return {
            "name": self.name, "label": self.label, "type": self.type, "unit": self.unit,
            "min": self.min, "max": self.max_length if self.type == "text" else self.max, "step": self.step,
            "default": self.default,
            "choices": list(self.choices) if self.choices is not None else None, "help": self.help,
            "driven_by": list(self.driven_by), "constrained_by": list(self.constrained_by),
            # text: the whole (upper-cased) value must match; the studio explains a refused value before sending it
            "pattern": self.pattern, "uppercase": self.uppercase,
        }

    def _range(self) -> dict:
        return {"min": self.min, "max": self.max, "unit": self.unit}

    @property
    def allowed(self) -> str:
        """Human description of the allowed values, e.g. ``"2–10 mm"``."""
        if self.type == "number":
            return f"{_fmt(self.min)}–{_fmt(self.max)}{' ' + self.unit if self.unit else ''}"
        if self.type == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type == "color":
            return "a colour like '#c8553d'"
        if self.help and self.pattern:
            return f"text of at most {self.max_length} characters: {self.help}"
        return f"text of at most {self.max_length} characters"

    def coerce(self, value: Any) -> Any:
        """
        Validate one value and return it normalised (numbers as float, colours lower-case).

        Raises
        ------
        ParameterError
          Naming this option, the value and the allowed range or choices.
        """
        if self.type == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ParameterError(self.name, f"{self.label} must be a number", value=value, allowed=self.allowed,
                                     code="not_a_number", params=self._range())
            value = float(value)
            if not math.isfinite(value):
                raise ParameterError(self.name, f"{self.label} must be a finite number", value=value,
                                     allowed=self.allowed, code="not_a_number", params=self._range())
            if not self.min <= value <= self.max:
                raise ParameterError(self.name, f"{self.label} is out of range", value=value, allowed=self.allowed,
                                     code="out_of_range", params=self._range())
            return value
        if self.type == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ParameterError(self.name, f"{self.label} is not one of the choices", value=value,
                                     allowed=self.allowed, code="unknown_choice", params={"choices": ", ".join(self.choices)})
            return value
        if self.type == "color":
            if not isinstance(value, str) or not COLOR_PATTERN.match(value):
                raise ParameterError(self.name, f"{self.label} must be a hex colour", value=value,
                                     allowed=self.allowed, code="not_a_colour")
            return value.lower()
        if not isinstance(value, str) or len(value) > self.max_length:
            raise ParameterError(self.name, f"{self.label} must be short text", value=value, allowed=self.allowed,
                                 code="text_too_long", params={"max": self.max_length})
        if self.uppercase:
            value = value.upper()
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise ParameterError(self.name, f"{self.label} contains characters that are not allowed", value=value,
                                 allowed=self.allowed, code="text_not_allowed", params={"max": self.max_length})
        return value


def option_defaults(options: tuple[OptionSpec, ...]) -> dict[str, Any]:
    """
    Each option's default, by name, as its spec declares it.

    A product's parameter fields take their defaults from here, so the form, the API schema and a
    ``Params`` built without that option agree by construction.
    """
    return {spec.name: spec.default for spec in options}


SIDES = ("left", "right")


@dataclass(frozen=True)
class Params:
    """
    Base of every product's parameters: immutable, hashable by value.

    Subclasses declare ``foot``, ``side`` and their options, and set ``OPTIONS`` (a tuple of
    :class:`OptionSpec`) as a class attribute; ``__post_init__`` validates every option against it.
    """

    def fingerprint(self) -> str:
        """Equal parameters give the same preview and the same print file."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()

    def __post_init__(self) -> None:  # dataclass subclasses inherit it: every product validates the same way
        # Local import: foot.py imports nothing from here, but keep the dependency one way.
        from .foot import FootMeasurements

        if not isinstance(getattr(self, "foot", None), FootMeasurements):
            raise ParameterError("foot", "foot must be a FootMeasurements", value=None,
                                 allowed="the six foot measurements in mm")
        if self.side not in SIDES:
            raise ParameterError("side", "side must be left or right", value=self.side, allowed="'left' or 'right'")
        specs = {spec.name: spec for spec in type(self).OPTIONS}
        for field in fields(self):
            if field.name in specs:
                # frozen dataclass: normalise in place (ints -> float) so fingerprints are stable
                object.__setattr__(self, field.name, specs[field.name].coerce(getattr(self, field.name)))

    def options(self) -> dict:
        """The product options only (no foot, no side)."""
        return {spec.name: getattr(self, spec.name) for spec in type(self).OPTIONS}
