import json
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from geometry import sizing
from geometry.errors import ParameterError
from geometry.sizing import size_recommend, width_fitting

from ._support import ANSUR, EXAMPLE_FOOT, feet

SYSTEMS = ("mondopoint", "eu", "uk", "us_men", "us_women")
# half of each system's step: 5 mm, a Paris point (20/3 mm), half a barleycorn (1/6 inch)
HALF_STEP_MM = {"mondopoint": 2.5, "eu": 10.0 / 3, "uk": 25.4 / 12, "us_men": 25.4 / 12, "us_women": 25.4 / 12}


def foot_of_length(length_mm: float) -> dict:
    """EXAMPLE_FOOT scaled to a length (proportions kept, so every length is a valid foot)."""
    scale = length_mm / EXAMPLE_FOOT["length_mm"]
    return {name: value * scale for name, value in EXAMPLE_FOOT.items()} | {"arch_height_mm": 18.0}


lengths = st.floats(200.0, 330.0, allow_nan=False)


def test_known_points_by_definition():
    # a 265 mm foot: Mondopoint 265 (the size is the foot length); last = 265 + 15 = 280 mm
    sizes = size_recommend({"right": foot_of_length(265.0)})["sizes"]
    assert sizes["mondopoint"]["size"] == 265 and sizes["mondopoint"]["foot_length_mm"] == 265.0
    assert sizes["mondopoint"]["label"] == "265/100"
    # EU: 280 mm / (20/3 mm) = 42 Paris points
    assert sizes["eu"]["size"] == 42 and sizes["eu"]["exact"] == pytest.approx(42.0)
    # UK: 3 x 280/25.4 - 25 = 8.07 -> 8; US men's + 1; US women's + 1.5 more
    assert sizes["uk"]["size"] == 8 and sizes["uk"]["exact"] == pytest.approx(3 * 280 / 25.4 - 25, abs=0.01)
    assert sizes["us_men"]["size"] == 9
    assert sizes["us_women"]["size"] == 10.5
    # a foot whose last is exactly 11 inches (279.4 mm): UK 8, US men's 9 exactly
    uk = sizing.uk(279.4 - sizing.LAST_ALLOWANCE_MM)
    assert uk["exact"] == pytest.approx(8.0) and uk["foot_length_mm"] == pytest.approx(279.4 - 15, abs=0.05)


@pytest.mark.parametrize("length_mm, mondopoint", [(262.4, 260), (262.5, 265), (265.0, 265), (267.4, 265),
                                                   (267.5, 270)])
def test_mondopoint_rounds_to_the_nearest_5_mm_ties_up(length_mm, mondopoint):
    assert sizing.mondopoint(length_mm, 100.0)["size"] == mondopoint


@settings(max_examples=60, deadline=None)
@given(length=lengths)
def test_every_size_stands_for_the_foot_within_half_a_step(length):
    sizes = size_recommend({"left": foot_of_length(length)})["sizes"]
    for system in SYSTEMS:
        entry = sizes[system]
        # the foot length a size stands for is within half the system's step of the foot
        assert abs(entry["foot_length_mm"] - length) <= HALF_STEP_MM[system] + 0.06, (system, entry)
    # and the systems agree: US men's = UK + 1, US women's = US men's + 1.5 (adult sizes)
    if not sizes["uk"]["children"] and not sizes["us_women"]["children"]:
        assert sizes["us_men"]["size"] - sizes["uk"]["size"] == 1
        assert sizes["us_women"]["size"] - sizes["us_men"]["size"] == 1.5
    # whole EU sizes, half UK / US sizes
    assert float(sizes["eu"]["size"]).is_integer()
    assert (2 * sizes["uk"]["size"]) % 1 == 0 and (2 * sizes["us_women"]["size"]) % 1 == 0


@settings(max_examples=60, deadline=None)
@given(a=lengths, b=lengths)
def test_sizes_never_shrink_as_the_foot_grows(a, b):
    short, long = sorted((a, b))
    small = size_recommend({"right": foot_of_length(short)})["sizes"]
    large = size_recommend({"right": foot_of_length(long)})["sizes"]
    for system in SYSTEMS:
        # the foot length a size stands for never falls (children's sizes run into adult ones)
        assert small[system]["foot_length_mm"] <= large[system]["foot_length_mm"], system
        if not small[system].get("children") and not large[system].get("children"):
            assert small[system]["size"] <= large[system]["size"], system


@settings(max_examples=30, deadline=None)
@given(foot=feet, longer_by=st.floats(1.0, 15.0), longer=st.sampled_from(["left", "right"]))
def test_sized_to_the_longer_foot(foot, longer_by, longer):
    # given two feet, one longer
    other = "right" if longer == "left" else "left"
    long_foot = dict(foot, length_mm=foot["length_mm"] + longer_by)
    result = size_recommend({longer: long_foot, other: foot})
    # then both are sized to the longer one, and the reason says so
    assert result["sized_to"] == longer
    assert result["foot_length_mm"] == pytest.approx(long_foot["length_mm"])
    assert result["sizes"] == sizing.sizes_for_length(long_foot["length_mm"], result["ball_width_mm"])
    assert result["reason"] == {"code": "longer_foot", "side": longer,
                                "difference_mm": pytest.approx(longer_by, abs=0.051)}
    assert result["reason_text"] == f"Your {longer} foot is {result['reason']['difference_mm']:g} mm longer; sized to it."
    assert set(result["feet"]) == {"left", "right"}
    json.dumps(result)  # JSON-safe


def test_reason_for_one_foot_and_equal_feet():
    one = size_recommend({"left": EXAMPLE_FOOT})
    assert one["sized_to"] == "left" and one["reason"]["code"] == "one_foot"
    assert one["reason_text"] == "Only your left foot was measured; sized to it."
    same = size_recommend({"left": EXAMPLE_FOOT, "right": dict(EXAMPLE_FOOT, length_mm=265.4)})
    assert same["reason"]["code"] == "same_length" and same["reason"]["difference_mm"] == pytest.approx(0.4)
    assert same["reason_text"] == "Your feet are the same length; sized to them."


def test_example_of_the_docs():
    result = size_recommend({"left": dict(EXAMPLE_FOOT, length_mm=269.0), "right": EXAMPLE_FOOT})
    assert result["reason"] == {"code": "longer_foot", "side": "left", "difference_mm": 4.0}
    assert result["reason_text"] == "Your left foot is 4 mm longer; sized to it."
    assert {key: value["label"] for key, value in result["sizes"].items()} == {
        "mondopoint": "270/100", "eu": "43", "uk": "8.5", "us_men": "9.5", "us_women": "11"}


def test_width_comes_from_the_wider_foot():
    narrow = dict(EXAMPLE_FOOT, ball_girth_mm=230.0)
    wide = dict(EXAMPLE_FOOT, length_mm=262.0, ball_width_mm=106.0, ball_girth_mm=260.0)
    result = size_recommend({"left": narrow, "right": wide})
    assert result["sized_to"] == "left"  # the longer foot
    assert result["width"]["side"] == "right" and result["width"]["fitting"] == "wide"
    assert result["sizes"]["mondopoint"]["width_mm"] == 106
    assert result["feet"]["left"]["width_fitting"] == "narrow"


def test_width_fittings_are_mostly_standard_over_ansur():
    # every ANSUR II soldier (both sexes): the rule puts most people in the standard fitting
    counts = Counter(width_fitting(row[1], row[3])["fitting"] for row in ANSUR)
    shares = {name: counts[name] / len(ANSUR) for name in sizing.FITTINGS}
    assert shares["standard"] > 0.55
    assert max(shares, key=shares.get) == "standard"
    assert 0.05 < shares["narrow"] < 0.3 and 0.05 < shares["wide"] < 0.3
    assert shares["extra_wide"] < 0.1


@settings(max_examples=40, deadline=None)
@given(length=lengths, girth=st.floats(180.0, 320.0))
def test_width_fitting_grows_with_girth(length, girth):
    order = list(sizing.FITTINGS)
    a, b = width_fitting(length, girth), width_fitting(length, girth + 7.0)
    assert order.index(a["fitting"]) <= order.index(b["fitting"])
    # and a longer foot of the same girth is relatively narrower
    c = width_fitting(length + 10.0, girth)
    assert order.index(c["fitting"]) <= order.index(a["fitting"])


def test_small_feet_get_childrens_sizes():
    result = size_recommend({"right": foot_of_length(200.0)})["sizes"]
    assert result["uk"]["children"] and result["uk"]["size"] == 13.5
    assert "children" in result["uk"]["label"]
    assert not result["us_women"]["children"]


@pytest.mark.parametrize("feet_input, field", [
    ({}, "feet"), (None, "feet"), ({"middle": EXAMPLE_FOOT}, "feet"),
    ({"left": dict(EXAMPLE_FOOT, length_mm=26.5)}, "length_mm"),
    ({"left": {k: v for k, v in EXAMPLE_FOOT.items() if k != "ball_girth_mm"}}, "ball_girth_mm"),
])
def test_bad_input_is_refused(feet_input, field):
    with pytest.raises(ParameterError) as error:
        size_recommend(feet_input)
    assert error.value.field == field


# --- an uncertain (scanned) length -------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(length=lengths, plus_minus=st.floats(0.0, 15.0), side=st.sampled_from(["left", "right"]))
def test_an_uncertain_length_says_when_it_straddles_sizes_and_picks_with_a_reason(length, plus_minus, side):
    # given a scanned foot whose length is known to plus or minus some mm
    foot = foot_of_length(length)
    exact = size_recommend({side: foot})
    # when it is sized with that uncertainty
    sized = size_recommend({side: foot}, uncertainty_mm={side: plus_minus})
    judged = sized["length_uncertainty"]
    shortest, longest = sizing.eu(length - plus_minus)["size"], sizing.eu(length + plus_minus)["size"]
    # then it names every EU size the range reaches
    assert judged["sizes"] == list(range(shortest, longest + 1)) and judged["side"] == side
    assert f"± {plus_minus:g} mm" in sized["reason_text"]
    if shortest == longest:
        # one size either way: the same recommendation as the exact length
        assert judged["code"] == "one_size" and sized["sizes"] == exact["sizes"]
    elif longest == shortest + 1:
        # two sizes: the larger (too short hurts), for every system alike, and the text says both
        assert judged["code"] == "between_sizes" and sized["sizes"]["eu"]["size"] == judged["picked"] == longest
        assert all(sized["sizes"][system]["foot_length_mm"] >= exact["sizes"][system]["foot_length_mm"] for system in SYSTEMS)
        assert f"EU {shortest} and {longest}" in sized["reason_text"]
    else:
        # more than two: the scan cannot choose; the measured length's size, with advice
        assert judged["code"] == "uncertain_length" and sized["sizes"] == exact["sizes"]
        assert "better scan" in sized["reason_text"]
    assert sized["foot_length_mm"] == exact["foot_length_mm"]
    json.dumps(sized)


def test_an_exact_length_has_no_uncertainty_verdict():
    assert size_recommend({"left": foot_of_length(270.0)})["length_uncertainty"] is None
    # a side without a plus or minus is taken as exact
    both = size_recommend({"left": foot_of_length(270.0), "right": foot_of_length(260.0)}, uncertainty_mm={"right": 9.0})
    assert both["sized_to"] == "left" and both["length_uncertainty"] is None


@pytest.mark.parametrize("bad", [-1.0, 51.0, "3", True, float("nan")])
def test_a_bad_uncertainty_is_refused(bad):
    with pytest.raises(ParameterError) as error:
        size_recommend({"left": foot_of_length(270.0)}, uncertainty_mm={"left": bad})
    assert error.value.field == "uncertainty_mm"
