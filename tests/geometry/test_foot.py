import math
import pickle

import pytest

from geometry.errors import ParameterError
from geometry.foot import MEASUREMENT_RANGES_MM, FootMeasurements

from ._support import ANSUR, EXAMPLE_FOOT, foot_from_row


def with_value(field, value):
    data = dict(EXAMPLE_FOOT)
    data[field] = value
    return data


def test_ranges_have_exactly_the_six_fields():
    assert list(MEASUREMENT_RANGES_MM) == ["length_mm", "ball_width_mm", "ball_girth_mm", "instep_girth_mm",
                                           "heel_width_mm", "arch_height_mm"]
    assert MEASUREMENT_RANGES_MM["length_mm"] == (150.0, 350.0)


def test_round_trip():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    assert foot.to_dict() == EXAMPLE_FOOT
    assert FootMeasurements.from_dict(foot.to_dict()) == foot


def test_ints_become_floats():
    foot = FootMeasurements.from_dict({key: int(value) for key, value in EXAMPLE_FOOT.items()})
    assert all(isinstance(value, float) for value in foot.to_dict().values())


def test_every_ansur_subject_is_accepted():
    # all 6,068 subjects, both sexes; instep girth 0.72–0.78 x heel-ankle girth, arch 8–30 mm
    for row in ANSUR:
        for ratio, arch in ((0.72, 8.0), (0.78, 30.0)):
            FootMeasurements.from_dict(foot_from_row(row, instep_ratio=ratio, arch_height_mm=arch))


@pytest.mark.parametrize("field", list(MEASUREMENT_RANGES_MM))
@pytest.mark.parametrize("value", [-10.0, 0.0, 0, math.nan, math.inf, -math.inf, "265", None, True, [1]])
def test_bad_values_name_the_field(field, value):
    with pytest.raises(ParameterError) as caught:
        FootMeasurements.from_dict(with_value(field, value))
    error = caught.value
    assert error.field == field
    assert field in str(error)
    low, high = MEASUREMENT_RANGES_MM[field]
    assert error.allowed == f"{low:g}–{high:g} mm"
    assert f"{low:g}–{high:g} mm" in str(error)


def test_centimetres_are_recognised():
    with pytest.raises(ParameterError) as caught:
        FootMeasurements.from_dict(with_value("length_mm", 26.5))
    assert caught.value.field == "length_mm"
    assert "centimetres" in str(caught.value) and "26.5" in str(caught.value) and "265" in str(caught.value)


def test_metres_are_recognised():
    with pytest.raises(ParameterError) as caught:
        FootMeasurements.from_dict(with_value("length_mm", 0.265))
    assert "metres" in str(caught.value) and "centimetres" not in str(caught.value)


def test_too_large_is_out_of_range():
    with pytest.raises(ParameterError, match="150–350 mm") as caught:
        FootMeasurements.from_dict(with_value("length_mm", 2650))
    assert caught.value.value == 2650


@pytest.mark.parametrize("field", list(MEASUREMENT_RANGES_MM))
def test_missing_field(field):
    data = dict(EXAMPLE_FOOT)
    del data[field]
    with pytest.raises(ParameterError, match="missing") as caught:
        FootMeasurements.from_dict(data)
    assert caught.value.field == field


def test_unknown_field():
    with pytest.raises(ParameterError) as caught:
        FootMeasurements.from_dict({**EXAMPLE_FOOT, "shoe_size": 42})
    assert caught.value.field == "shoe_size"


def test_not_a_mapping():
    with pytest.raises(ParameterError):
        FootMeasurements.from_dict([265, 100])


@pytest.mark.parametrize("field, value", [
    ("ball_girth_mm", 190.0),     # less than twice the 100 mm width: cannot go round it
    ("ball_girth_mm", 330.0),     # more than a circle of the width
    ("ball_width_mm", 140.0),     # over half the 265 mm length (girth kept consistent below)
    ("heel_width_mm", 110.0),     # wider than the ball
    ("instep_girth_mm", 380.0),   # far from the ball girth
    ("arch_height_mm", 45.0),     # in range, but check a short foot below
])
def test_implausible_proportions_name_the_field(field, value):
    data = with_value(field, value)
    if field == "ball_width_mm":
        data["ball_girth_mm"] = 330.0
    if field == "arch_height_mm":
        data.update(length_mm=160.0, ball_width_mm=65.0, ball_girth_mm=160.0, instep_girth_mm=165.0,
                    heel_width_mm=45.0)
    with pytest.raises(ParameterError) as caught:
        FootMeasurements.from_dict(data)
    assert caught.value.field == field
    assert caught.value.allowed


def test_direct_construction_validates_too():
    with pytest.raises(ParameterError):
        FootMeasurements(**with_value("length_mm", -1.0))


def test_error_is_a_value_error_and_pickles():
    with pytest.raises(ValueError) as caught:
        FootMeasurements.from_dict(with_value("heel_width_mm", math.nan))
    clone = pickle.loads(pickle.dumps(caught.value))
    assert (clone.field, clone.message, clone.allowed, str(clone)) == (
        caught.value.field, caught.value.message, caught.value.allowed, str(caught.value))
    assert caught.value.to_dict()["value"] == "nan"
