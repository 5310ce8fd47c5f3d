"""
Taking payment for an order, behind a small interface so that a real provider is a settings change.

`SARTORIA_PAYMENT_PROVIDER` names the class by its dotted path; it gets the amount, currency and a reference
of ours, and answers with a `PaymentResult`. The default `TestPaymentProvider` always succeeds and charges
no one: it is for development, the demo and the tests.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PaymentResult:
    succeeded: bool
    reference: str = ""  # the provider's id of the charge, kept on the order
    message: str = ""  # why it failed, for the customer (already in their language)


class PaymentProvider(Protocol):
    name: str

    def charge(self, *, amount: Decimal, currency: str, reference: str, email: str) -> PaymentResult:
        """Take `amount` for our order `reference`; never raise for a declined payment, return it."""


class TestPaymentProvider:
    """Always succeeds, charges nothing."""

    name = "test"

    def charge(self, *, amount: Decimal, currency: str, reference: str, email: str) -> PaymentResult:
        return PaymentResult(succeeded=True, reference=f"test-{reference}-{uuid.uuid4().hex[:12]}")


def payment_provider_get() -> PaymentProvider:
    """The provider the settings name (a class, instantiated without arguments)."""
    return import_string(settings.SARTORIA_PAYMENT_PROVIDER)()
