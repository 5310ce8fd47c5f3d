import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from configurator.geometry import registry
from configurator.geometry.errors import ParameterError
from configurator.geometry.foot import FootMeasurements
from configurator.geometry.insole import InsoleParams, insole

from ._support import EXAMPLE_FOOT, assert_printable, feet, options_strategy


@settings(max_examples=25, deadline=None)
@given(foot=feet, options=options_strategy(registry.option_schema("insole")), side=st.sampled_from(["left", "right"]))
def test_insole_is_printable_and_measures_right(foot, options, side):
    # given a real ANSUR foot and any options
    params = registry.parse("insole", options=options, foot=foot, side=side)
    expected = registry.expected_dimensions("insole", params)
    # when built
    mesh = registry.build("insole", params)
    # then it is one clean solid of the expected size
    report = assert_printable(mesh)
    assert abs(report["length_mm"] - expected["length_mm"]) <= 0.5
    assert mesh.bounds[0, 0] == pytest.approx(0.0, abs=1e-6)
    assert report["extents_mm"][1] == pytest.approx(foot["ball_width_mm"], abs=1.0)
    assert abs(mesh.bounds[0, 1] + mesh.bounds[1, 1]) < 1.0  # centred on y=0
    assert mesh.vertices[:, 2].max() <= expected["max_height_mm"] + 1e-6
    assert 3_000 <= report["triangles"] <= 20_000


def test_left_is_the_mirror_of_right():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    right = insole(InsoleParams(foot=foot, side="right"))
    left = insole(InsoleParams(foot=foot, side="left"))
    assert left.volume == pytest.approx(right.volume)
    assert left.is_winding_consistent and left.volume > 0
    np.testing.assert_allclose(left.vertices, right.vertices * [1, -1, 1])


def test_arch_support_is_on_the_medial_side():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    for side, medial_sign in (("right", 1), ("left", -1)):
        mesh = insole(InsoleParams(foot=foot, side=side, arch_support="high", heel_cup_mm=0.0))
        top = mesh.vertices[np.argmax(mesh.vertices[:, 2])]
        # the highest point is under the arch (mid-foot) on the big-toe side
        assert 0.25 * foot.length_mm < top[0] < 0.6 * foot.length_mm
        assert np.sign(top[1]) == medial_sign
        assert top[2] == pytest.approx(4.0 + 0.75 * foot.arch_height_mm, abs=0.5)


def test_no_arch_support_and_no_heel_cup_is_flat():
    mesh = insole(InsoleParams(foot=FootMeasurements.from_dict(EXAMPLE_FOOT), side="right", arch_support="none",
                               heel_cup_mm=0.0, thickness_mm=3.0))
    assert mesh.extents[2] == pytest.approx(3.0)


def test_heel_cup_raises_the_heel_rim():
    mesh = insole(InsoleParams(foot=FootMeasurements.from_dict(EXAMPLE_FOOT), side="right", arch_support="none",
                               heel_cup_mm=12.0))
    rear = mesh.vertices[mesh.vertices[:, 0] < 20]
    assert rear[:, 2].max() == pytest.approx(16.0, abs=0.5)


def test_progress_is_reported_in_order():
    calls = []
    insole(InsoleParams(foot=FootMeasurements.from_dict(EXAMPLE_FOOT), side="right"),
           on_progress=lambda stage, fraction: calls.append((stage, fraction)))
    fractions = [fraction for _, fraction in calls]
    assert len(calls) >= 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)


@pytest.mark.parametrize("field, value", [("thickness_mm", 1.0), ("thickness_mm", 11), ("toe_allowance_mm", -1.0),
                                          ("arch_support", "extreme"), ("heel_cup_mm", "5"), ("color", "red"),
                                          ("side", "middle")])
def test_params_validate_in_post_init(field, value):
    with pytest.raises(ParameterError) as caught:
        InsoleParams(**{"foot": FootMeasurements.from_dict(EXAMPLE_FOOT), "side": "right", field: value})
    assert caught.value.field == field


def test_fingerprint_is_stable_and_sensitive():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    a = InsoleParams(foot=foot, side="right", thickness_mm=4)
    b = InsoleParams(foot=foot, side="right", thickness_mm=4.0)
    assert a.fingerprint() == b.fingerprint() and len(a.fingerprint()) == 64
    assert a.fingerprint() != InsoleParams(foot=foot, side="left").fingerprint()
    assert a.fingerprint() != InsoleParams(foot=foot, side="right", thickness_mm=4.5).fingerprint()
