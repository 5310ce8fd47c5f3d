"""A material has one name: the geometry's label, which the studio shows translated."""
import pytest
from django.utils import translation

from configurator.option_text import option_presented
from geometry import registry
from geometry.materials import MATERIALS


@pytest.mark.parametrize("key", registry.product_keys())
def test_the_studio_names_each_material_by_its_one_label_in_either_language(key):
    material_options = [option for option in registry.option_schema(key) if option["name"].endswith("material")]
    assert material_options  # every product offers a material
    for option in material_options:
        with translation.override("en"):
            english = {c["value"]: c["label"] for c in option_presented(option)["choices"]}
        with translation.override("it"):
            italian = {c["value"]: c["label"] for c in option_presented(option)["choices"]}
        # in English the studio says exactly what the geometry (and its print files) say
        assert english == {choice: MATERIALS[choice]["label"] for choice in option["choices"]}
        # in Italian each one is translated, not left in English
        assert all(italian[choice] != english[choice] for choice in option["choices"]), italian
