"""
How long the studio's quote takes (`configurator.services.quote_compute`, what POST /api/quote/ runs): the first
quote of an option set builds the parts on the typical foot to measure their volume and height (cold), later
quotes of the same shape read them from the cache (warm: a colour or material change, or the same options again).
Also the quote of a built revision from its report (`pricing.quote_for_revision` without the database).

Prints median / min / max in milliseconds per option set; asserts nothing about time.

    .venv/bin/python -m config.launcher exec -- .venv/bin/python bench/bench_quote.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# a database of its own (the quote asks production's plan for its lead time), migrated here
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(os.environ.get('TMPDIR', '/tmp')) / 'bench_quote.sqlite3'}")

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from django.core.cache import cache  # noqa: E402

from _timing import run_times  # noqa: E402
from configurator import pricing  # noqa: E402
from configurator.services.quotes import _shape_key, quote_estimate  # noqa: E402
from configurator.services.revisions import options_of, params_by_side_parse  # noqa: E402
from geometry.foot import TYPICAL_FOOT_MM  # noqa: E402

OPTION_SETS = {
    "shoe solid": ("shoe", {"midsole": "solid"}),
    "shoe lattice": ("shoe", {"midsole": "lattice"}),
    "shoe lattice, nylon upper": ("shoe", {"midsole": "lattice", "upper_material": "nylon_pa12"}),
    "insole ribs": ("insole", {"cushioning": "ribs"}),
}


def ms(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:8.1f} ms  min {min(values) * 1000:8.1f}  "
            f"max {max(values) * 1000:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"quote timings, {args.runs} runs each, cache {cache.__class__.__name__}")
    for name, (product, options) in OPTION_SETS.items():
        sides = ("left", "right")
        params_by_side = params_by_side_parse(product_key=product, options=options,
                                              feet={side: TYPICAL_FOOT_MM for side in sides}, sides=sides)
        chosen = options_of(next(iter(params_by_side.values())))

        def quote() -> pricing.Quote:
            return quote_estimate(product_key=product, base_price=Decimal("189.00"), params_by_side=params_by_side,
                                  options=chosen)

        def cold() -> pricing.Quote:
            for params in params_by_side.values():
                cache.delete(_shape_key(product, params))
            return quote()

        cold_times = run_times(cold, args.runs, warm_up=True)
        warm_times = run_times(quote, args.runs, warm_up=True)
        result = quote()
        print(f"{name:28s} cold {ms(cold_times)}")
        print(f"{'':28s} warm {ms(warm_times)}   price {result.price} EUR, {result.grams:.0f} g, "
              f"{result.print_hours:.1f} h")
    report = {"sides": {side: {"printability": {"parts": {"upper": {"material": "tpu_95a", "grams": 106.5,
                                                                      "print_minutes": 494.8}}}}
                        for side in ("left", "right")}}
    figures_times = run_times(lambda: pricing.quote(base_price=Decimal("189.00"), options={},
                                                    figures=pricing.figures_from_report(report)), args.runs * 20)
    print(f"{'from a revision report':28s}      {ms(figures_times)}")


if __name__ == "__main__":
    main()
