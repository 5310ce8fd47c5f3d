"""'Start from my shoe size': measurements estimated from a size give that size and fitting back, and are a foot."""
import importlib.util

import numpy as np
import pytest
from hypothesis import given, strategies as st

from geometry import size_estimate, sizing
from geometry.errors import ParameterError
from geometry.foot import FootMeasurements
from tests.datafiles import ANSUR_CSV

SIZE_OF = {"eu": sizing.eu, "uk": sizing.uk, "us_men": sizing.us_men, "us_women": sizing.us_women}


def sizes(system):
    low, high = size_estimate.SIZE_RANGES[system]
    step = size_estimate.SIZE_STEPS[system]
    return st.integers(0, int(round((high - low) / step))).map(lambda k: low + k * step)


systems_and_sizes = st.sampled_from(size_estimate.SYSTEMS).flatmap(lambda system: st.tuples(st.just(system), sizes(system)))


@given(system_size=systems_and_sizes, fitting=st.sampled_from(sorted(size_estimate.FITTING_CENTRE_STEPS)))
def test_the_estimate_is_a_foot_of_that_size_and_fitting(system_size, fitting):
    system, size = system_size
    feet = size_estimate.measurements_from_size(system, size, fitting)
    FootMeasurements.from_dict(feet)  # a plausible foot by the one definition
    assert SIZE_OF[system](feet["length_mm"])["size"] == size
    assert sizing.width_fitting(feet["length_mm"], feet["ball_girth_mm"])["fitting"] == fitting
    assert all(value * 2 == round(value * 2) for name, value in feet.items() if name != "length_mm")


@given(system_size=systems_and_sizes)
def test_a_wider_fitting_is_wider_at_the_ball_and_never_shorter(system_size):
    system, size = system_size
    estimates = [size_estimate.measurements_from_size(system, size, fitting) for fitting in sizing.FITTINGS]
    for narrower, wider in zip(estimates, estimates[1:]):
        assert wider["ball_girth_mm"] > narrower["ball_girth_mm"] and wider["ball_width_mm"] >= narrower["ball_width_mm"]
        assert wider["length_mm"] == narrower["length_mm"]


@pytest.mark.parametrize("system, size, code", [("eu", 60, "size_out_of_range"), ("eu", 42.5, "size_step"),
                                                ("uk", 8.25, "size_step"), ("mondo", 42, "unknown_choice"),
                                                ("eu", "42", "not_a_number"), ("eu", float("nan"), "not_a_number"),
                                                ("us_men", 0, "size_out_of_range")])
def test_a_size_that_is_not_one_is_refused_with_its_code(system, size, code):
    with pytest.raises(ParameterError) as refused:
        size_estimate.measurements_from_size(system, size)
    assert refused.value.code == code


def test_the_proportions_are_what_ansur_gives():
    spec = importlib.util.spec_from_file_location("ansur_proportions", ANSUR_CSV.parents[3] / "bench" / "ansur_proportions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fitted = module.proportions(ANSUR_CSV)
    assert np.allclose(fitted["ball_width"]["coefficients"], size_estimate.BALL_WIDTH, rtol=1e-3, atol=1e-3)
    assert np.allclose(fitted["heel_width"]["coefficients"], size_estimate.HEEL_WIDTH, rtol=1e-3, atol=1e-3)
    for name, centre in fitted["fitting_centre_steps"].items():
        assert size_estimate.FITTING_CENTRE_STEPS[name] == pytest.approx(centre, abs=0.005)


def test_an_eu_42_is_a_typical_foot():
    feet = size_estimate.measurements_from_size("eu", 42)
    assert feet == {"length_mm": 265.0, "ball_width_mm": 99.5, "ball_girth_mm": 245.5, "instep_girth_mm": 250.5,
                    "heel_width_mm": 71.0, "arch_height_mm": 18.0}
