"""
Price and delivery quotes from what a pair costs us to print: grams of each material and machine time.

The figures are the printability report's (per side and part: material, grams, print minutes): a built
revision carries them in ``revision.report``; before a build the studio's quote computes them on the typical
foot (``configurator.services.quotes``). A price is the sum of labelled lines:

- ``base``: the product's base price (design, finishing, checking, packing a pair; 60 % of it for one side);
- ``material``: grams x the material's price per kg (``geometry.materials``) x ``MATERIAL_MARKUP``;
- ``machine_time``: print hours x ``MACHINE_EUR_PER_HOUR``;
- ``personalisation``: engraved initials, per shoe.

Each line keeps its code and the numbers its label needs, so a label is written in the reader's language
whenever it is shown (``line_label``); an order stores its lines as placed.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from geometry.materials import MATERIALS

# One side instead of a pair: the fixed work (finishing, checking, packing) of one shoe is most of that of two.
SINGLE_SIDE_SHARE = Decimal("0.6")
# The raw material's list price is doubled: purge and skirts, failed prints, drying and storage.
MATERIAL_MARKUP = Decimal("2")
# A printer hour: the machine's depreciation and upkeep, power, and the operator's share of their time.
MACHINE_EUR_PER_HOUR = Decimal("1.00")
ENGRAVING_EUR_PER_SIDE = Decimal("4.50")
# Used when the production plan cannot tell its lead time (no production.selectors.farm_lead_time_days):
PRODUCTION_DAYS = 4  # print, wash, cure and check a pair
LATTICE_EXTRA_DAYS = 1  # the lattice prints slower and is cleaned by hand
OUTSOURCED_EXTRA_DAYS = 2  # nylon PA12 is sintered by a partner
SHIPPING_DAYS = (2, 4)  # working days, courier within the EU
CENT = Decimal("0.01")

LINE_CODES = ("base", "material", "machine_time", "personalisation")


@dataclass(frozen=True)
class PartFigures:
    """What one printed part takes: its material key, grams and estimated print minutes."""

    material: str
    grams: float
    print_minutes: float


@dataclass(frozen=True)
class Line:
    code: str
    amount: Decimal
    # what the label states: grams per material key, hours, sides engraved
    grams: dict[str, float] = field(default_factory=dict)
    hours: float | None = None
    sides: int | None = None

    def to_json(self) -> dict:
        data: dict[str, Any] = {"code": self.code, "amount": str(self.amount)}
        if self.grams:
            data["grams"] = {key: round(value, 1) for key, value in self.grams.items()}
        if self.hours is not None:
            data["hours"] = round(self.hours, 2)
        if self.sides is not None:
            data["sides"] = self.sides
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Line:
        return cls(code=str(data["code"]), amount=Decimal(str(data["amount"])),
                   grams={str(k): float(v) for k, v in (data.get("grams") or {}).items()},
                   hours=data.get("hours"), sides=data.get("sides"))


@dataclass(frozen=True)
class Quote:
    price: Decimal
    lines: list[Line] = field(default_factory=list)
    delivery_earliest: dt.date = dt.date.min
    delivery_latest: dt.date = dt.date.min
    working_days: tuple[int, int] = (0, 0)
    grams: float = 0.0
    print_hours: float = 0.0

    def to_dict(self, currency: str) -> dict:
        """The API's shape; each line's `label` is in the active language."""
        return {
            "price": {"amount": str(self.price), "currency": currency},
            "lines": [{**line.to_json(), "label": line_label(line)} for line in self.lines],
            "grams": round(self.grams, 1),
            "print_hours": round(self.print_hours, 2),
            "delivery": {
                "days_min": self.working_days[0],
                "days_max": self.working_days[1],
                "earliest": self.delivery_earliest.isoformat(),
                "latest": self.delivery_latest.isoformat(),
            },
        }


def _number(value: float, digits: int) -> str:
    return number_format(round(value, digits), decimal_pos=digits, use_l10n=True, force_grouping=True)


def material_label(key: str) -> str:
    spec = MATERIALS.get(key)
    return gettext(spec["label"]) if spec else key


def line_label(line: Line | Mapping[str, Any]) -> str:
    """The line's words in the active language, with the grams, hours or sides it was computed from."""
    if not isinstance(line, Line):
        line = Line.from_json(line)
    if line.code == "base":
        return gettext("Base price (one shoe)") if line.sides == 1 else gettext("Base price (a pair)")
    if line.code == "material":
        total = sum(line.grams.values())
        names = ", ".join(material_label(key) for key in line.grams)
        return gettext("Material: %(materials)s, %(grams)s g") % {"materials": names, "grams": _number(total, 0)}
    if line.code == "machine_time":
        return gettext("Machine time: %(hours)s h of printing") % {"hours": _number(line.hours or 0.0, 1)}
    if line.code == "personalisation":
        sides = line.sides or 2
        return ngettext("Personalisation: initials engraved on %(count)d shoe",
                        "Personalisation: initials engraved on %(count)d shoes", sides) % {"count": sides}
    return line.code


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def figures_from_report(report: Mapping[str, Any]) -> dict[str, list[PartFigures]]:
    """Per side, each part's material, grams and print minutes from a built revision's report."""
    figures: dict[str, list[PartFigures]] = {}
    for side, side_report in (report.get("sides") or {}).items():
        parts = ((side_report or {}).get("printability") or {}).get("parts") or {}
        figures[side] = [PartFigures(material=str(part["material"]), grams=float(part["grams"]),
                                     print_minutes=float(part["print_minutes"])) for part in parts.values()]
    return figures


def delivery_working_days(*, options: Mapping[str, Any], lead_time_days: int | None) -> tuple[int, int]:
    """Working days to the customer: the farm's lead time (or the documented constants), plus shipping."""
    if lead_time_days is None:
        production = PRODUCTION_DAYS + (LATTICE_EXTRA_DAYS if options.get("midsole") == "lattice" else 0)
    else:
        production = max(int(lead_time_days), 1)
    if any(name.endswith("material") and value == "nylon_pa12" for name, value in options.items()):
        production += OUTSOURCED_EXTRA_DAYS
    return production + SHIPPING_DAYS[0], production + SHIPPING_DAYS[1]


def quote(
    *,
    base_price: Decimal,
    options: Mapping[str, Any],
    figures: Mapping[str, list[PartFigures]],
    today: dt.date | None = None,
    lead_time_days: int | None = None,
) -> Quote:
    """Price (rounded to the cent) with its lines, and the delivery window, for the sides in `figures`."""
    today = today or dt.date.today()
    sides = len(figures)
    grams: dict[str, float] = {}
    minutes = 0.0
    material_eur = Decimal("0")
    for parts in figures.values():
        for part in parts:
            grams[part.material] = grams.get(part.material, 0.0) + max(part.grams, 0.0)
            minutes += max(part.print_minutes, 0.0)
            per_kg = Decimal(str(MATERIALS[part.material]["cost_eur_per_kg"]))
            material_eur += Decimal(str(max(part.grams, 0.0))) / 1000 * per_kg * MATERIAL_MARKUP
    hours = minutes / 60.0
    base = Decimal(base_price) * (SINGLE_SIDE_SHARE if sides == 1 else Decimal("1"))
    lines = [
        Line("base", base.quantize(CENT, ROUND_HALF_UP), sides=sides),
        Line("material", material_eur.quantize(CENT, ROUND_HALF_UP), grams=grams),
        Line("machine_time", (Decimal(str(hours)) * MACHINE_EUR_PER_HOUR).quantize(CENT, ROUND_HALF_UP), hours=hours),
    ]
    if str(options.get("initials") or "").strip():
        lines.append(Line("personalisation", ENGRAVING_EUR_PER_SIDE * sides, sides=sides))
    days = delivery_working_days(options=options, lead_time_days=lead_time_days)
    return Quote(
        price=sum((line.amount for line in lines), Decimal("0")),
        lines=lines,
        delivery_earliest=working_days_after(today, days[0]),
        delivery_latest=working_days_after(today, days[1]),
        working_days=days,
        grams=sum(grams.values()),
        print_hours=hours,
    )


def farm_lead_time_days() -> int | None:
    """The production plan's lead time in working days, or None while production cannot tell it."""
    try:
        from production import selectors as production_selectors
    except ImportError:
        return None
    lead_time: Callable[[], int] | None = getattr(production_selectors, "farm_lead_time_days", None)
    return None if lead_time is None else lead_time()


def quote_for_revision(*, revision, today: dt.date | None = None) -> Quote:
    """The quote of a built revision, from its own printability report (its customer's feet)."""
    # a revision without a report (built before reports existed) is priced at its base and personalisation
    figures = figures_from_report(revision.report or {}) or {side: [] for side in revision.sides}
    return quote(
        base_price=revision.design.template.base_price,
        options=revision.parameters,
        figures=figures,
        today=today,
        lead_time_days=farm_lead_time_days(),
    )
