from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from customers.models import Measurement
from geometry.foot import MEASUREMENT_RANGES_MM


class SignUpForm(forms.Form):
    """Sign-up fields; each error is shown next to its field, in the page's language."""

    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


def _number(value: float) -> str:
    """A millimetre figure as the reader writes it: 26 or 17,5 in Italian."""
    value = round(float(value), 1)
    return formats.number_format(int(value) if value.is_integer() else value)


class MillimetreField(forms.FloatField):
    """A measurement in mm as people type it: a decimal comma reads in any language (no foot has a thousands mark)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class FootMeasurementsForm(forms.Form):
    """
    One foot's six measurements at the fitting desk (use with ``prefix="left"`` or ``"right"``).

    Each field is checked on its own (a number, in range, with a centimetre hint), so every error shows beside
    its field in the reader's language and the typed values stay. A foot left empty is not sent.
    """

    def __init__(self, *args, side: str, **kwargs):
        super().__init__(*args, prefix=side, **kwargs)
        self.side = side
        side_label = Measurement.Side(side).label
        for kind in MEASUREMENT_RANGES_MM:
            label = Measurement.Kind(kind).label
            self.fields[kind] = MillimetreField(
                label=label, required=False, localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "aria-label": f"{side_label}: {label}"}),
            )

    def clean(self):
        cleaned = super().clean()
        typed = {kind: value for kind, value in cleaned.items() if value is not None}
        if not typed and not self.errors:
            return cleaned
        for kind, (low, high) in MEASUREMENT_RANGES_MM.items():
            if kind in self.errors:
                continue
            value = cleaned.get(kind)
            if value is None:
                self.add_error(kind, _("Needed too: fill in all six measurements of this foot, or none."))
            elif not low <= value <= high:
                self.add_error(kind, self._range_message(value, low, high))
        return cleaned

    @staticmethod
    def _range_message(value: float, low: float, high: float) -> str:
        if value < low and low <= value * 10 <= high:
            return _("This looks like centimetres: enter %(mm)s mm for %(cm)s cm.") % {
                "mm": _number(value * 10), "cm": _number(value)}
        return _("Enter a value from %(low)s to %(high)s mm.") % {"low": _number(low), "high": _number(high)}

    def foot(self) -> dict[str, float] | None:
        """The valid foot as the measurements format, or None when nothing was typed."""
        values = {kind: value for kind, value in self.cleaned_data.items() if value is not None}
        return values or None
