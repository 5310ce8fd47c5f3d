"""
The geometry's refusals in the reader's language. The geometry raises ``ParameterError`` with a ``code`` and
``params`` beside its English sentence (``geometry.error_messages`` holds the templates, the one source of the
wording); the API and the pages rebuild the sentence here, translated, naming the field as the page does.
"""
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy

from geometry.error_messages import error_text

OTHER_LABELS = {  # fields that are neither a measurement nor a product option
    "size": gettext_lazy("The size"),
    "system": gettext_lazy("The size system"),
    "fitting": gettext_lazy("The width fitting"),
}


def field_label(field: str) -> str:
    """A field's name as the pages show it: "Foot length", "Toe room"; the field itself when unknown."""
    from configurator.option_text import LABELS  # late: config is imported before the apps
    from customers.models import Measurement

    name = field.rsplit(".", 1)[-1]
    if name in Measurement.Kind.values:
        return str(Measurement.Kind(name).label)
    if name in LABELS:
        return str(LABELS[name][0])
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    return name


def _number(value: float) -> str:
    """150, 26,5 in Italian: whole numbers without a decimal, others to 0.1."""
    value = round(float(value), 1)
    return formats.number_format(int(value) if value.is_integer() else value)


def parameter_error_text(error) -> str:
    """One refusal (a ParameterError or its ``to_dict()``) as a sentence in the current language.

    A refusal without a code keeps the geometry's English sentence (``str(error)``).
    """
    described = error if isinstance(error, dict) else error.to_dict()
    text = error_text(described, label=field_label(described.get("field") or ""), translate=gettext,
                      number=_number)
    return text if text is not None else described.get("detail") or str(error)
