"""Prices as people in the page's language write them: "189,00 €" in Italian, "€189.00" in English."""
from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def money(amount, currency: str = "EUR") -> str:
    if amount in (None, ""):
        return ""
    return format_currency(amount, currency or "EUR", locale=to_locale(get_language() or "en"))
