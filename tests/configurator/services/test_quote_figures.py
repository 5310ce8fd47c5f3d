"""A quote's grams and print minutes are the printability report's for the same shape, whatever the cache holds."""
import pytest
from django.core.cache import cache
from hypothesis import given, settings, strategies as st

from configurator.services.quotes import figures_estimate, part_shapes
from geometry import registry
from geometry.materials import MATERIAL_KEYS
from geometry.printability import printability_report
from tests.geometry._support import EXAMPLE_FOOT

shoe_options = st.fixed_dictionaries({"midsole": st.sampled_from(["solid", "lattice"]),
                                      "upper_material": st.sampled_from(MATERIAL_KEYS),
                                      "sole_material": st.sampled_from(MATERIAL_KEYS)})


@settings(max_examples=6, deadline=None)
@given(options=shoe_options, side=st.sampled_from(["left", "right"]))
def test_the_quote_takes_the_reports_figures_of_the_same_shape(options, side):
    # given any midsole and materials (the materials do not change the cached shape)
    params = registry.parse("shoe", options=options, foot=EXAMPLE_FOOT, side=side)
    # when quoted, once to fill the cache and once from it
    first = figures_estimate(product_key="shoe", params=params)
    cached = figures_estimate(product_key="shoe", params=params)
    # then each part's material, grams and minutes are what the printability report of the built parts says
    report = printability_report(registry.build_parts("shoe", params),
                                 materials=registry.part_materials("shoe", params), wall_samples=50)
    expected = list(report["parts"].values())
    assert [f.material for f in cached] == [part["material"] for part in expected]
    for got, again, part in zip(first, cached, expected):
        assert got == again
        assert got.grams == pytest.approx(part["grams"], abs=1e-3)
        assert got.print_minutes == pytest.approx(part["print_minutes"], abs=0.05)
    # and the cached shape is the calibrated model's: surface area and the honeycomb's holes
    shapes = part_shapes(product_key="shoe", params=params)
    assert all(shape["area_mm2"] > 0 for shape in shapes.values())
    assert (shapes["midsole"]["holes"] > 0) == (options["midsole"] == "lattice")


def test_a_shape_cached_by_the_older_version_is_not_read():
    # given the default shoe's shape cached without area and holes under the previous cache version's key
    from configurator.services import quotes

    params = registry.parse("shoe", options={}, foot=EXAMPLE_FOOT, side="left")
    old_key = quotes._shape_key("shoe", params).replace(f":v{quotes.FIGURES_CACHE_VERSION}:", ":v1:")
    cache.set(old_key, {"upper": {"volume_mm3": 1.0, "height_mm": 1.0}})
    # then a quote reads a shape of its own version, with the calibrated model's measures
    assert set(part_shapes(product_key="shoe", params=params)["upper"]) == {"volume_mm3", "area_mm2", "height_mm",
                                                                              "holes"}
