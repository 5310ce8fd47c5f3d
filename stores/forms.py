"""The desk's forms: each error shows beside its field in words, and every typed value stays after an error."""
from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from customers.selectors import measurement_kind_label, measurement_side_label
from geometry.foot import MEASUREMENT_RANGES_MM


class CheckInForm(forms.Form):
    """Find the customer by loyalty card, the QR code on their phone (read by the camera or typed), or email."""

    loyalty_card = forms.CharField(label=_("Loyalty card number"), max_length=64, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    qr = forms.CharField(label=_("QR code"), max_length=1000, required=False,
                         widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("Email"), max_length=254, required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in ("loyalty_card", "qr", "email")):
            self.add_error("loyalty_card", _("Type the card number, read the QR code, or type the email."))
        return cleaned


class WalkInForm(forms.Form):
    """A customer who walks in without an account: name, and an email or a phone to reach them."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    marketing_email = forms.BooleanField(label=_("Agrees to news by email"), required=False)
    marketing_sms = forms.BooleanField(label=_("Agrees to news by SMS"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error("email", _("Give an email or a phone number, so the card can reach them."))
        return cleaned


class StartDesignForm(forms.Form):
    product = forms.SlugField(label=_("Product"))


class PinForm(forms.Form):
    pin = forms.CharField(label=_("New PIN (4 to 8 digits)"), min_length=4, max_length=8,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


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
        side_label = measurement_side_label(side)
        for kind in MEASUREMENT_RANGES_MM:
            label = measurement_kind_label(kind)
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
