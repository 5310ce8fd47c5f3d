"""Prices follow what a pair costs to print: grams of material and machine time, in labelled lines."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings, strategies as st

from configurator import pricing
from geometry.materials import MATERIAL_KEYS

BASE = Decimal("189.00")
parts = st.lists(st.builds(pricing.PartFigures, material=st.sampled_from(MATERIAL_KEYS),
                           grams=st.floats(0, 2000), print_minutes=st.floats(0, 6000)), min_size=1, max_size=4)
options = st.fixed_dictionaries({"midsole": st.sampled_from(["solid", "lattice"]),
                                 "initials": st.sampled_from(["", "GV"]),
                                 "sole_material": st.sampled_from(MATERIAL_KEYS)})


@given(figures=st.dictionaries(st.sampled_from(["left", "right"]), parts, min_size=1), chosen=options,
       extra_grams=st.floats(0, 500), extra_minutes=st.floats(0, 1000), which=st.integers(0, 3))
@settings(max_examples=150, deadline=None)
def test_more_grams_or_hours_never_cost_less_and_lines_add_up(figures, chosen, extra_grams, extra_minutes, which):
    # given any parts and options, and the same with one part heavier and slower
    today = dt.date(2026, 12, 2)
    side = sorted(figures)[0]
    index = which % len(figures[side])
    part = figures[side][index]
    heavier = {**figures, side: [*figures[side][:index], pricing.PartFigures(
        part.material, part.grams + extra_grams, part.print_minutes + extra_minutes), *figures[side][index + 1:]]}
    quote = pricing.quote(base_price=BASE, options=chosen, figures=figures, today=today)
    more = pricing.quote(base_price=BASE, options=chosen, figures=heavier, today=today)
    # then it never costs less, and each quote's lines add up to its price
    assert more.price >= quote.price
    for q in (quote, more):
        assert q.price == sum(line.amount for line in q.lines)
        assert [line.code for line in q.lines][:3] == ["base", "material", "machine_time"]
        assert all(line.amount >= 0 for line in q.lines)


def test_the_material_and_time_lines_are_grams_and_hours_times_their_rates():
    figures = {"left": [pricing.PartFigures("tpu_95a", 200.0, 600.0)], "right": [pricing.PartFigures("tpu_95a", 200.0, 600.0)]}
    quote = pricing.quote(base_price=BASE, options={"initials": "GV"}, figures=figures)
    lines = {line.code: line.amount for line in quote.lines}
    # 400 g of TPU 95A at 35 EUR/kg, doubled; 20 h at 1 EUR/h; initials on two shoes
    assert lines == {"base": BASE, "material": Decimal("28.00"), "machine_time": Decimal("20.00"),
                     "personalisation": Decimal("9.00")}
    assert quote.price == Decimal("246.00")


def test_one_shoe_costs_less_than_the_pair():
    one = [pricing.PartFigures("tpu_95a", 200.0, 600.0)]
    single = pricing.quote(base_price=BASE, options={}, figures={"right": one})
    pair = pricing.quote(base_price=BASE, options={}, figures={"left": one, "right": one})
    assert single.price < pair.price


@pytest.mark.parametrize("language, words", [
    ("en", ["Base price (a pair)", "Material: TPU 95A (flexible), 1,234 g", "Machine time: 20.5 h of printing",
            "Personalisation: initials engraved on 2 shoes"]),
    ("it", ["Prezzo base (un paio)", "Materiale: ", "1.234 g", "Tempo macchina: 20,5 h di stampa",
            "Personalizzazione: iniziali incise su 2 scarpe"]),
])
def test_labels_in_the_readers_language(language, words):
    figures = {"left": [pricing.PartFigures("tpu_95a", 617.0, 615.0)], "right": [pricing.PartFigures("tpu_95a", 617.0, 615.0)]}
    quote = pricing.quote(base_price=BASE, options={"initials": "GV"}, figures=figures)
    with translation.override(language):
        text = " | ".join(line["label"] for line in quote.to_dict("EUR")["lines"])
    for word in words:
        assert word in text, text
    # labels are rebuilt from a stored line, so an order placed in English reads in Italian too
    stored = [line.to_json() for line in quote.lines]
    with translation.override(language):
        assert [pricing.line_label(line) for line in stored] == [line["label"] for line in quote.to_dict("EUR")["lines"]]


def test_the_farm_lead_time_sets_the_window_when_production_tells_it(monkeypatch):
    figures = {"right": [pricing.PartFigures("tpu_95a", 100.0, 100.0)]}
    fallback = pricing.quote(base_price=BASE, options={}, figures=figures, lead_time_days=None)
    planned = pricing.quote(base_price=BASE, options={}, figures=figures, lead_time_days=9)
    assert fallback.working_days == (pricing.PRODUCTION_DAYS + 2, pricing.PRODUCTION_DAYS + 4)
    assert planned.working_days == (11, 13)
