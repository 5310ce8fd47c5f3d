"""The price and delivery estimate answer every change, and refuse bad options by name."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from configurator import pricing

pytestmark = pytest.mark.django_db


def test_quote_adds_what_costs_more_and_a_single_shoe_costs_less(api_client, products):
    def price(parameters, side="both"):
        response = api_client.post("/api/quote/", {"product": "shoe", "parameters": parameters, "side": side}, format="json")
        assert response.status_code == 200, response.json()
        return Decimal(response.json()["price"]["amount"])

    solid = price({"midsole": "solid"})
    assert price({"midsole": "lattice"}) > solid
    assert price({"midsole": "solid", "initials": "GV"}) > solid
    assert price({"midsole": "solid", "upper_material": "nylon_pa12"}) > solid
    assert price({"midsole": "solid"}, side="left") < solid


def test_quote_names_the_bad_option(api_client, products):
    response = api_client.post("/api/quote/", {"product": "shoe", "parameters": {"heel_height_mm": 400}}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "parameters.heel_height_mm" and "40" in response.json()["allowed"]
    assert api_client.post("/api/quote/", {"product": "boot"}, format="json").status_code == 404


@given(today=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)), lattice=st.booleans(), nylon=st.booleans())
@settings(max_examples=60, deadline=None)
def test_delivery_is_on_working_days_and_never_before_production_ends(today, lattice, nylon):
    options = {"midsole": "lattice" if lattice else "solid", "sole_material": "nylon_pa12" if nylon else "tpu_95a"}
    quote = pricing.quote(base_price=Decimal("189.00"), options=options, sides=("left", "right"), today=today)
    assert quote.delivery_earliest.weekday() < 5 and quote.delivery_latest.weekday() < 5
    assert today < quote.delivery_earliest < quote.delivery_latest
    minimum_days = pricing.PRODUCTION_DAYS + pricing.SHIPPING_DAYS[0]
    assert (quote.delivery_earliest - today).days >= minimum_days  # working days are at least as many calendar days
    assert quote.price == sum(amount for _, amount in quote.lines)
