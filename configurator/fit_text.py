"""
The fit check's messages in the reader's language. The geometry writes English text and, for each message,
a code and its numbers; pages and the API rebuild the sentence here from those.
"""
from django.utils import formats
from django.utils.translation import gettext as _, gettext_lazy

REGIONS = {
    "toe": gettext_lazy("at the toes"),
    "ball_medial": gettext_lazy("at the ball, inner (big-toe) side"),
    "ball_lateral": gettext_lazy("at the ball, outer (little-toe) side"),
    "heel": gettext_lazy("at the heel"),
    "instep": gettext_lazy("over the instep"),
    "arch": gettext_lazy("under the arch"),
}


def fit_message_text(message: dict) -> str:
    """One message, translated; an unknown code keeps the geometry's English."""
    region, status, params = message.get("region"), message.get("status"), message.get("params") or {}
    value = params.get("value_mm")
    numbers = {"value": formats.localize(abs(value)) if value is not None else "",
               "limit": formats.localize(params.get("limit_mm")) if params.get("limit_mm") is not None else ""}
    if message.get("code") == "fits":
        return _("Fits: every region is within the comfortable range.")
    if region == "arch":
        if status == "tight":
            return _("Tight under the arch: the support is %(value)s mm higher than your arch.") % numbers
        return _("Little arch support: %(value)s mm left under your arch (more than %(limit)s mm).") % numbers
    if region not in REGIONS or status not in ("tight", "loose"):
        return message.get("text", "")
    where = {**numbers, "where": REGIONS[region]}
    if region == "toe":
        if status == "tight":
            return _("Tight %(where)s: %(value)s mm in front of the longest toe (at least %(limit)s mm is comfortable).") % where
        return _("Loose %(where)s: %(value)s mm in front of the longest toe (more than %(limit)s mm).") % where
    if status == "tight" and value is not None and value < 0:
        return _("Tight %(where)s: %(value)s mm into the foot.") % where
    if status == "tight":
        return _("Tight %(where)s: %(value)s mm of room (limit %(limit)s mm).") % where
    return _("Loose %(where)s: %(value)s mm of room (limit %(limit)s mm).") % where


def report_translated(report: dict) -> dict:
    """A revision report whose fit messages read in the current language (the stored report stays English)."""
    sides = report.get("sides") if isinstance(report, dict) else None
    if not sides:
        return report
    translated = {**report, "sides": {}}
    for side, side_report in sides.items():
        fit = side_report.get("fit") if isinstance(side_report, dict) else None
        if fit:
            fit = {**fit, "messages": [{**message, "text": fit_message_text(message)} for message in fit.get("messages", [])]}
            side_report = {**side_report, "fit": fit}
        translated["sides"][side] = side_report
    return translated
