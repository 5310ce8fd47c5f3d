"""Paid orders with really built revisions, and the demo farm."""
import pytest

from configurator.services import order_place, order_status_set
from production.services import printer_farm_demo_load
from tests.configurator.helpers import built_revision


def paid_order(*, user, product, side: str = "both", options: dict | None = None):
    revision = built_revision(user=user, product=product, side=side, options=options)
    order = order_place(design=revision.design, revision=revision)
    return order_status_set(order=order, status="paid", actor=None)


@pytest.fixture
def shoe_order(shopper, products):
    """A pair of shoes, paid: six parts."""
    return paid_order(user=shopper, product=products["shoe"])


@pytest.fixture
def insole_order(other_shopper, products):
    return paid_order(user=other_shopper, product=products["insole"], side="right")


@pytest.fixture
def farm(db):
    return printer_farm_demo_load()
