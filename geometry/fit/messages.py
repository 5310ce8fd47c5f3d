"""
The fit check's messages: one template per kind, written here once. The geometry fills them in English; the web
side (``configurator/fit_text.py``) translates the same templates with gettext and fills them with localised
numbers, rebuilding each sentence from the message's ``code``, ``region``, ``status`` and ``params``.
"""
from __future__ import annotations

from typing import Callable


def gettext_noop(text: str) -> str:
    """Mark ``text`` for translation (Django's ``makemessages`` collects it by this name) without importing Django."""
    return text


REGION_TEXT = {
    "toe": gettext_noop("at the toes"),
    "ball_medial": gettext_noop("at the ball, inner (big-toe) side"),
    "ball_lateral": gettext_noop("at the ball, outer (little-toe) side"),
    "heel": gettext_noop("at the heel"),
    "instep": gettext_noop("over the instep"),
    "arch": gettext_noop("under the arch"),
}
"""Where each region is, as the middle of a sentence."""

TEMPLATES = {
    "fits": gettext_noop("Fits: every region is within the comfortable range."),
    "arch_tight": gettext_noop("Tight under the arch: the support is %(value)s mm higher than your arch."),
    "arch_loose": gettext_noop("Little arch support: %(value)s mm left under your arch (more than %(limit)s mm)."),
    "toe_tight": gettext_noop(
        "Tight %(where)s: %(value)s mm in front of the longest toe (at least %(limit)s mm is comfortable)."),
    "toe_loose": gettext_noop("Loose %(where)s: %(value)s mm in front of the longest toe (more than %(limit)s mm)."),
    "pressing": gettext_noop("Tight %(where)s: %(value)s mm into the foot."),
    "tight": gettext_noop("Tight %(where)s: %(value)s mm of room (limit %(limit)s mm)."),
    "loose": gettext_noop("Loose %(where)s: %(value)s mm of room (limit %(limit)s mm)."),
}
"""Every sentence a fit message can be, keyed by :func:`template_key`."""


def template_key(message: dict) -> str | None:
    """Which of :data:`TEMPLATES` a message reads as (None for an unknown region or status)."""
    region, status = message.get("region"), message.get("status")
    value = (message.get("params") or {}).get("value_mm")
    if message.get("code") == "fits":
        return "fits"
    if region not in REGION_TEXT or status not in ("tight", "loose"):
        return None
    if region in ("arch", "toe"):
        return f"{region}_{status}"
    if status == "tight" and value is not None and value < 0:
        return "pressing"
    return status


def message_text(message: dict, *, translate: Callable[[str], str] = str,
                 number: Callable[[float], str] = lambda value: f"{value:g}") -> str:
    """
    The sentence of one message: its template and region through ``translate``, its numbers through ``number``
    (a value pressing into the foot, or a support above the arch, is said as a positive distance). An unknown
    message keeps its ``text``.
    """
    key = template_key(message)
    if key is None:
        return message.get("text", "")
    params = message.get("params") or {}
    value, limit = params.get("value_mm"), params.get("limit_mm")
    if value is not None and key in ("pressing", "arch_tight"):
        value = abs(value)
    fields = {"value": number(value) if value is not None else "", "limit": number(limit) if limit is not None else "",
              "where": translate(REGION_TEXT[message["region"]]) if message.get("region") in REGION_TEXT else ""}
    return translate(TEMPLATES[key]) % fields


def messages(regions: dict, verdict: str) -> list[dict]:
    """One message per region out of its range (tight first), or one saying it fits; text in English."""
    out = []
    for status in ("tight", "loose"):
        for name, region in regions.items():
            if region["status"] != status:
                continue
            limit = region["tight_below_mm"] if status == "tight" else region["loose_above_mm"]
            message = {"code": f"{name}_{status}", "region": name, "status": status,
                       "params": {"value_mm": region["value_mm"], "limit_mm": limit}}
            out.append({**message, "text": message_text(message)})
    if verdict == "fits":
        message = {"code": "fits", "region": None, "status": "ok", "params": {}}
        out.append({**message, "text": message_text(message)})
    return out
