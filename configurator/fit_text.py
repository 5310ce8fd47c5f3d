"""
The fit check's messages in the reader's language. The geometry writes each message's code, region and numbers
and its templates (``geometry.fit.messages``, the one source of the wording); pages and the API rebuild the
sentence here, translated, from those.
"""
from django.utils import formats
from django.utils.translation import gettext

from geometry.fit.messages import message_text


def fit_message_text(message: dict) -> str:
    """One message, translated; an unknown code keeps the geometry's English."""
    return message_text(message, translate=gettext, number=formats.localize)


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
