"""
Price and delivery quotes, as pure functions of a product's base price and its options.

Quoting must answer on every click in the configurator, so it never builds geometry: the price is the
product's base price (a pair) plus surcharges for what costs us more to print, and the delivery window is
counted in working days from the options' print and finishing time.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# One shoe or insole instead of a pair: printing and finishing one side is most of the work of two.
SINGLE_SIDE_SHARE = Decimal("0.6")
# Surcharge for a pair, per material option, from the material's price per kg against TPU 95A (about 300 g a pair).
MATERIAL_SURCHARGE_EUR = {
    "tpu_95a": Decimal("0"),
    "tpu_85a": Decimal("8"),
    "pla": Decimal("0"),
    "petg": Decimal("0"),
    "nylon_pa12": Decimal("20"),
}
# Options whose value costs more machine time or handwork, for a pair.
OPTION_SURCHARGE_EUR = {
    ("midsole", "lattice"): Decimal("15"),
    ("cushioning", "honeycomb"): Decimal("6"),
    ("cushioning", "ribs"): Decimal("4"),
}
ENGRAVING_SURCHARGE_EUR = Decimal("9")
PRODUCTION_DAYS = 4  # print, wash, cure and check a pair
LATTICE_EXTRA_DAYS = 1  # the lattice prints slower and is cleaned by hand
OUTSOURCED_EXTRA_DAYS = 2  # nylon PA12 is sintered by a partner
SHIPPING_DAYS = (2, 4)  # working days, courier within the EU
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Quote:
    price: Decimal
    lines: list[tuple[str, Decimal]] = field(default_factory=list)
    delivery_earliest: dt.date = dt.date.min
    delivery_latest: dt.date = dt.date.min
    working_days: tuple[int, int] = (0, 0)

    def to_dict(self, currency: str) -> dict:
        return {
            "price": {"amount": str(self.price), "currency": currency},
            "lines": [{"code": code, "amount": str(amount)} for code, amount in self.lines],
            "delivery": {
                "days_min": self.working_days[0],
                "days_max": self.working_days[1],
                "earliest": self.delivery_earliest.isoformat(),
                "latest": self.delivery_latest.isoformat(),
            },
        }


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def quote(
    *, base_price: Decimal, options: Mapping[str, Any], sides: tuple[str, ...], today: dt.date | None = None
) -> Quote:
    """Price (rounded to the cent) with its lines, and the delivery window for these options."""
    today = today or dt.date.today()
    lines: list[tuple[str, Decimal]] = [("base", Decimal(base_price))]
    for name, value in sorted(options.items()):
        if name.endswith("material") and MATERIAL_SURCHARGE_EUR.get(value):
            lines.append((f"{name}:{value}", MATERIAL_SURCHARGE_EUR[value]))
        elif (name, value) in OPTION_SURCHARGE_EUR:
            lines.append((f"{name}:{value}", OPTION_SURCHARGE_EUR[(name, value)]))
        elif name == "initials" and str(value).strip():
            lines.append(("initials", ENGRAVING_SURCHARGE_EUR))
    pair_price = sum((amount for _, amount in lines), Decimal("0"))
    if len(sides) == 1:
        single = (pair_price * SINGLE_SIDE_SHARE).quantize(CENT, ROUND_HALF_UP)
        lines.append(("single_side", single - pair_price))
        price = single
    else:
        price = pair_price.quantize(CENT, ROUND_HALF_UP)
    production = PRODUCTION_DAYS
    if options.get("midsole") == "lattice":
        production += LATTICE_EXTRA_DAYS
    if any(name.endswith("material") and value == "nylon_pa12" for name, value in options.items()):
        production += OUTSOURCED_EXTRA_DAYS
    days = (production + SHIPPING_DAYS[0], production + SHIPPING_DAYS[1])
    return Quote(
        price=price,
        lines=lines,
        delivery_earliest=working_days_after(today, days[0]),
        delivery_latest=working_days_after(today, days[1]),
        working_days=days,
    )
