"""
The geometry's refusals as sentences: one template per :class:`~geometry.errors.ParameterError` ``code``, written
here once. The geometry keeps its English ``message`` for the command line and the logs; the web side
(``configurator/error_text.py``) translates these templates with gettext and fills them with the field's label in
the reader's language and localised numbers.
"""
from __future__ import annotations

from typing import Callable


def gettext_noop(text: str) -> str:
    """Mark ``text`` for translation (Django's ``makemessages`` collects it by this name) without importing Django."""
    return text


TEMPLATES = {
    "missing": gettext_noop("%(label)s is missing: enter it, from %(min)s to %(max)s%(unit)s."),
    "not_a_number": gettext_noop("%(label)s must be a number, from %(min)s to %(max)s%(unit)s."),
    "out_of_range": gettext_noop("%(label)s must be from %(min)s to %(max)s%(unit)s."),
    "out_of_range_cm": gettext_noop(
        "%(label)s must be from %(min)s to %(max)s mm: %(value)s looks like centimetres, enter %(mm)s for %(value)s cm."),
    "out_of_range_m": gettext_noop(
        "%(label)s must be from %(min)s to %(max)s mm: %(value)s looks like metres, enter %(mm)s for %(value)s m."),
    "unknown_choice": gettext_noop("%(label)s must be one of: %(choices)s."),
    "not_a_colour": gettext_noop("%(label)s must be a colour like #c8553d."),
    "text_too_long": gettext_noop("%(label)s can have at most %(max)s characters."),
    "text_not_allowed": gettext_noop("%(label)s contains characters that cannot be engraved."),
    "girth_below_width": gettext_noop(
        "%(label)s goes round the ball, so it must be at least twice the ball width (%(width)s mm): from %(min)s to "
        "%(max)s mm."),
    "girth_above_width": gettext_noop(
        "%(label)s is larger than a circle of the ball width (%(width)s mm) allows: from %(min)s to %(max)s mm."),
    "width_vs_length": gettext_noop(
        "%(label)s does not fit a foot %(length)s mm long: it must be from %(min)s to %(max)s mm."),
    "heel_vs_ball": gettext_noop("%(label)s must be narrower than the ball: at most %(max)s mm."),
    "instep_vs_girth": gettext_noop(
        "%(label)s does not match the ball girth (%(girth)s mm): it must be from %(min)s to %(max)s mm."),
    "arch_vs_length": gettext_noop("%(label)s does not fit a foot %(length)s mm long: at most %(max)s mm."),
    "size_out_of_range": gettext_noop("%(label)s must be from %(min)s to %(max)s in this size system."),
    "size_step": gettext_noop("%(label)s must be a whole or half size (steps of %(step)s)."),
    "too_large_for_printers": gettext_noop(
        "%(label)s: the shoe would be %(length)s mm long, too large for our printers (their %(bed)s mm plates take "
        "shoes up to %(max)s mm); for this foot choose from %(min)s to %(most)s mm."),
    "too_large_for_printers_foot": gettext_noop(
        "%(label)s: the shoe would be %(length)s mm long, too large for our printers (their %(bed)s mm plates take "
        "shoes up to %(max)s mm); a foot %(foot)s mm long is too long for them."),
}
"""Every sentence a refusal with a code can be."""

NUMBERS = ("min", "max", "value", "mm", "width", "length", "girth", "step", "bed", "most", "foot")
"""Params that are numbers (localised by the caller's ``number``)."""


def error_text(error: dict, *, label: str, translate: Callable[[str], str] = str,
               number: Callable[[float], str] = lambda value: f"{value:g}") -> str | None:
    """
    The sentence of one refusal (``ParameterError.to_dict()``), or None when its code has no template.

    ``label`` names the field in the reader's language; ``translate`` translates the template; ``number`` writes a
    number as the reader does ("26,5"). A unit is written after the range with a space (" mm").
    """
    template = TEMPLATES.get(error.get("code") or "")
    if template is None:
        return None
    params = dict(error.get("params") or {})
    values = {key: (number(value) if key in NUMBERS and isinstance(value, (int, float)) and not isinstance(value, bool)
                    else value) for key, value in params.items()}
    values.setdefault("unit", "")
    if values["unit"]:
        values["unit"] = f" {values['unit']}"
    values["label"] = label
    try:
        return translate(template) % values
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder: the English sentence
        return template % values
