"""Quotes before a build: the printability figures of these options on the typical foot, cached per option set."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict

from django.core.cache import cache

from configurator import pricing, quote_child
from geometry import registry
from geometry.params import Params
from geometry.printability import part_figures
from geometry.printers import DEFAULT_PRINTER, PRINTER_PROFILES

# Bump when the geometry or the figures' meaning change, so no stale figure is quoted.
FIGURES_CACHE_VERSION = 3  # 2: shapes keep area_mm2 and holes (the calibrated time and grams); 3: one key per pair
FIGURES_CACHE_SECONDS = 7 * 24 * 3600


def _shape_key(product_key: str, params: Params) -> str:
    """
    What decides the parts' figures: every option except colours and materials (they change no vertex), and not the
    side: a left part is its right twin mirrored, with the same figures (tests/geometry/test_printability.py), so a
    quote of a pair builds one side.
    """
    shaped = {name: value for name, value in asdict(params).items()
              if name != "side" and not name.endswith(("_color", "_material"))}
    digest = hashlib.sha256(json.dumps(shaped, sort_keys=True, default=str).encode()).hexdigest()
    return f"quote-shape:v{FIGURES_CACHE_VERSION}:{product_key}:{digest}"


def part_shapes(*, product_key: str, params: Params) -> dict[str, dict[str, float]]:
    """
    Each part's geometry.printability.part_shape, built once per shape and then read from the cache (built in the
    web process's niced child when SARTORIA_QUOTE_CHILD is on: configurator/quote_child.py).
    """
    key = _shape_key(product_key, params)
    shapes = cache.get(key)
    if shapes is None:
        shapes = quote_child.part_shapes_build(product_key=product_key, params=params, key=key)
        cache.set(key, shapes, FIGURES_CACHE_SECONDS)
    return shapes


def figures_estimate(*, product_key: str, params: Params) -> list[pricing.PartFigures]:
    """Grams and print minutes of each part as the printability report computes them (as sliced, default printer)."""
    profile = PRINTER_PROFILES[DEFAULT_PRINTER]
    materials = registry.part_materials(product_key, params)
    figures = []
    for name, shape in part_shapes(product_key=product_key, params=params).items():
        material = materials[name]["material"]
        part = part_figures(**shape, profile=profile, material=material)
        figures.append(pricing.PartFigures(material=material, grams=part["grams"], print_minutes=part["print_minutes"]))
    return figures


def quote_estimate(*, product_key: str, base_price, params_by_side: Mapping[str, Params],
                   options: Mapping) -> pricing.Quote:
    return pricing.quote(
        base_price=base_price,
        options=options,
        figures={side: figures_estimate(product_key=product_key, params=params)
                 for side, params in params_by_side.items()},
        lead_time_days=pricing.farm_lead_time_days(),
    )
