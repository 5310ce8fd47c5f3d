"""Each option's default is declared once, in its spec: the parameter dataclasses take theirs from it."""
import dataclasses

import pytest

from geometry import registry
from geometry.foot import FootMeasurements

from ._support import EXAMPLE_FOOT


@pytest.mark.parametrize("key", registry.product_keys())
def test_every_option_is_a_field_with_the_spec_default_and_nothing_else(key):
    # given the product's option specs and its parameter dataclass
    params_cls = registry._product(key).params_cls
    specs = {spec.name: spec.default for spec in params_cls.OPTIONS}
    fields = {field.name: field.default for field in dataclasses.fields(params_cls) if field.name not in ("foot", "side")}
    # then the same options, in the same order, with the same defaults
    assert list(fields) == list(specs)
    assert fields == specs


@pytest.mark.parametrize("key", registry.product_keys())
def test_params_built_without_options_have_the_defaults_the_schema_publishes(key):
    # what the form shows before any choice is what a build without that choice makes
    params = registry._product(key).params_cls(foot=FootMeasurements.from_dict(EXAMPLE_FOOT), side="right")
    published = {entry["name"]: entry["default"] for entry in registry.option_schema(key)}
    assert params.options() == published
