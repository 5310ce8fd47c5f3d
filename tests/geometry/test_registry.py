import json
from dataclasses import asdict

import pytest

from geometry import registry
from geometry.errors import ParameterError
from geometry.params import Params

from ._support import EXAMPLE_FOOT

KEYS = {"name", "label", "type", "unit", "min", "max", "step", "default", "choices", "help", "driven_by", "constrained_by",
        "pattern", "uppercase"}  # a text option's pattern, so the studio explains a refused value before sending it


def test_product_keys():
    assert registry.product_keys() == ["insole", "shoe"]


@pytest.mark.parametrize("key", ["insole", "shoe"])
def test_schema_is_json_safe_and_complete(key):
    schema = registry.option_schema(key)
    assert json.loads(json.dumps(schema)) == schema
    for option in schema:
        assert set(option) == KEYS
        assert option["type"] in {"number", "choice", "color", "text"}
        assert option["unit"] in {"mm", ""}
        if option["type"] == "number":
            assert option["min"] <= option["default"] <= option["max"] and option["step"] > 0
        if option["type"] == "choice":
            assert option["default"] in option["choices"]
    # defaults alone parse
    params = registry.parse(key, options={}, foot=EXAMPLE_FOOT, side="right")
    assert isinstance(params, Params)
    assert {o["name"]: o["default"] for o in schema} == {o["name"]: getattr(params, o["name"]) for o in schema}


def test_schema_is_a_fresh_copy():
    registry.option_schema("shoe")[0]["default"] = 999
    assert registry.option_schema("shoe")[0]["default"] != 999


def test_expected_names():
    assert [o["name"] for o in registry.option_schema("insole")] == [
        "thickness_mm", "toe_allowance_mm", "arch_support", "heel_cup_mm", "cushioning", "color", "material"]
    # the shoe's single "color" became "upper_color" (old stored designs are mapped, see below)
    assert [o["name"] for o in registry.option_schema("shoe")] == [
        "toe_allowance_mm", "girth_ease_mm", "instep_room_mm", "wall_thickness_mm", "sole_thickness_mm", "heel_height_mm", "toe_shape", "midsole",
        "lattice_density", "collar_height_mm", "initials", "upper_color", "upper_material", "sole_color",
        "sole_material"]


def test_insole_cushioning_is_a_choice_in_the_schema():
    option = {o["name"]: o for o in registry.option_schema("insole")}["cushioning"]
    assert option["type"] == "choice" and option["label"]
    assert option["choices"] == ["none", "honeycomb", "ribs"] and option["default"] == "honeycomb"
    assert "underside" in option["help"]
    params = registry.parse("insole", options={"cushioning": "ribs"}, foot=EXAMPLE_FOOT, side="right")
    assert params.cushioning == "ribs"
    with pytest.raises(ParameterError) as caught:
        registry.parse("insole", options={"cushioning": "foam"}, foot=EXAMPLE_FOOT, side="right")
    assert caught.value.field == "cushioning" and "'honeycomb'" in str(caught.value)


def test_old_color_maps_to_upper_color():
    params = registry.parse("shoe", options={"color": "#ABCDEF"}, foot=EXAMPLE_FOOT, side="left")
    assert params.upper_color == "#abcdef" and params.color == "#abcdef"
    stored = {**json.loads(json.dumps(asdict(params))), "color": "#123456"}
    del stored["upper_color"]  # as stored before the parts existed
    assert registry.parse("shoe", options={"color": "#123456"}, foot=EXAMPLE_FOOT, side="left") == \
        registry._as_params("shoe", stored)


def test_parts_and_materials_share_keys():
    from geometry.materials import MATERIALS

    for key, names in (("shoe", ["upper", "midsole", "outsole"]), ("insole", ["insole"])):
        params = registry.parse(key, options={}, foot=EXAMPLE_FOOT, side="right")
        materials = registry.part_materials(key, params)
        assert list(materials) == names
        assert list(registry.build_parts(key, params)) == names
        for entry in materials.values():
            assert entry["material"] in MATERIALS and entry["color"].startswith("#")
    for entry in MATERIALS.values():
        assert set(entry) == {"label", "density_g_cm3", "cost_eur_per_kg", "color_default"}
        assert 0.9 < entry["density_g_cm3"] < 1.5 and entry["cost_eur_per_kg"] > 0


@pytest.mark.parametrize("key, options, field, fragment", [
    ("insole", {"thickness_mm": 50}, "thickness_mm", "2–10 mm"),
    ("insole", {"thickness_mm": "4"}, "thickness_mm", "2–10 mm"),
    ("insole", {"arch_support": "max"}, "arch_support", "'medium'"),
    ("insole", {"colour": "#ffffff"}, "colour", "color"),
    ("shoe", {"toe_shape": 3}, "toe_shape", "'almond'"),
    ("shoe", {"color": "#12345"}, "color", "#c8553d"),
    ("shoe", {"wall_thickness_mm": None}, "wall_thickness_mm", "1.8–4 mm"),
])
def test_bad_options_name_the_option_and_what_is_allowed(key, options, field, fragment):
    with pytest.raises(ParameterError) as caught:
        registry.parse(key, options=options, foot=EXAMPLE_FOOT, side="right")
    assert caught.value.field == field
    assert fragment in str(caught.value)


def test_bad_foot_and_side_and_product():
    with pytest.raises(ParameterError) as caught:
        registry.parse("shoe", options={}, foot={**EXAMPLE_FOOT, "length_mm": 26.5}, side="left")
    assert caught.value.field == "length_mm"
    with pytest.raises(ParameterError) as caught:
        registry.parse("shoe", options={}, foot=EXAMPLE_FOOT, side="both")
    assert caught.value.field == "side"
    with pytest.raises(ParameterError) as caught:
        registry.parse("sandal", options={}, foot=EXAMPLE_FOOT, side="left")
    assert caught.value.field == "product"


def test_build_accepts_stored_dict_and_reports_progress():
    params = registry.parse("insole", options={"thickness_mm": 5}, foot=EXAMPLE_FOOT, side="left")
    stored = json.loads(json.dumps(asdict(params)))  # as kept in the database
    calls = []
    mesh = registry.build("insole", stored, on_progress=lambda stage, fraction: calls.append(fraction))
    assert mesh.volume == pytest.approx(registry.build("insole", params).volume)
    assert calls == sorted(calls) and calls[-1] == 1.0
    assert registry.expected_dimensions("insole", stored) == registry.expected_dimensions("insole", params)


def test_params_of_another_product_are_refused():
    params = registry.parse("insole", options={}, foot=EXAMPLE_FOOT, side="left")
    with pytest.raises(ParameterError):
        registry.build("shoe", params)


def test_expected_dimensions():
    params = registry.parse("shoe", options={"toe_allowance_mm": 15}, foot=EXAMPLE_FOOT, side="right")
    assert registry.expected_dimensions("shoe", params)["inner_length_mm"] == 280.0
    params = registry.parse("insole", options={"toe_allowance_mm": 0}, foot=EXAMPLE_FOOT, side="right")
    assert registry.expected_dimensions("insole", params)["length_mm"] == 265.0


def test_schema_says_which_measurement_drives_an_option_and_what_constrains_it():
    shoe = {entry["name"]: entry for entry in registry.option_schema("shoe")}
    insole = {entry["name"]: entry for entry in registry.option_schema("insole")}
    assert shoe["toe_allowance_mm"]["driven_by"] == ["length_mm"]
    assert shoe["toe_allowance_mm"]["constrained_by"] == ["length_mm", "wall_thickness_mm"]
    assert insole["arch_support"]["driven_by"] == ["arch_height_mm"]
    assert all(isinstance(entry["driven_by"], list) for entry in shoe.values())
