"""The desk's forms: each error shows beside its field in words, and every typed value stays after an error."""
from django import forms
from django.utils.translation import gettext_lazy as _


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
