import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh
from hypothesis import given, settings, strategies as st
from PIL import Image

from geometry import registry
from geometry.avatar import foot_avatar
from geometry.errors import ParameterError
from geometry.fit import SHOE_THRESHOLDS_MM, fit_check
from geometry.foot import MEASUREMENT_RANGES_MM, FootMeasurements
from geometry.scan import scan_measure

from ._support import EXAMPLE_FOOT, feet

ROOT = Path(__file__).resolve().parents[2]
from tests.datafiles import SCAN_0044_LASER as SCAN
SHOE_REGIONS = ["toe", "ball_medial", "ball_lateral", "heel", "instep"]
INSOLE_REGIONS = ["toe", "ball_medial", "ball_lateral", "heel", "arch"]
sides = st.sampled_from(["left", "right"])


def shoe(foot: dict, side: str = "right", **options):
    return registry.parse("shoe", options=options, foot=foot, side=side)


def insole(foot: dict, side: str = "right", **options):
    return registry.parse("insole", options=options, foot=foot, side=side)


def statuses(result: dict) -> dict:
    return {name: region["status"] for name, region in result["regions"].items()}


def avatar_of(foot: dict, side: str, **changes) -> trimesh.Trimesh:
    """The avatar of a foot with some measurements changed (a foot other than the one the product was built for)."""
    return foot_avatar(FootMeasurements.from_dict(dict(foot, **changes)), side)


# ---------------------------------------------------------------------------------------------------------
# shoe


@settings(max_examples=10, deadline=None)
@given(foot=feet, side=sides, heel_height_mm=st.sampled_from([0.0, 10.0, 40.0]),
       collar_height_mm=st.sampled_from([40.0, 60.0, 90.0]))
def test_the_shoe_built_for_a_foot_fits_its_avatar(foot, side, heel_height_mm, collar_height_mm):
    # given the default shoe (any heel pitch and collar) built for a real ANSUR foot
    params = shoe(foot, side, heel_height_mm=heel_height_mm, collar_height_mm=collar_height_mm)
    # when its own avatar is checked
    result = fit_check("shoe", params, heatmap=False)
    # then it fits everywhere, with no more than a slight touch anywhere
    assert result["verdict"] == "fits", result["regions"]
    assert list(result["regions"]) == SHOE_REGIONS
    assert set(statuses(result).values()) == {"ok"}
    assert result["messages"] == [{"code": "fits", "region": None, "status": "ok", "params": {},
                                   "text": "Fits: every region is within the comfortable range."}]
    assert result["min_clearance_mm"] > -1.5
    assert result["foot_source"] == "avatar" and result["heatmap_png"] is None
    # and the toe room is the toe allowance less the toe box's rounding at the toe tip's height
    assert 0.6 * params.toe_allowance_mm < result["regions"]["toe"]["value_mm"] <= params.toe_allowance_mm
    json.dumps(result)


@settings(max_examples=6, deadline=None)
@given(foot=feet, side=sides)
def test_toe_room_grows_with_the_toe_allowance(foot, side):
    # given the same foot in shoes with the least, the default and a long toe allowance
    rooms = []
    for allowance in (5.0, 12.0, 20.0):
        try:
            params = shoe(foot, side, toe_allowance_mm=allowance)
        except ParameterError:  # too long for the printer with this foot
            continue
        result = fit_check("shoe", params, heatmap=False)
        rooms.append((allowance, result["regions"]["toe"]["value_mm"], result["regions"]["toe"]["status"]))
    # then the room in front of the toes grows with the allowance, and the least allowance is tight
    assert [room for _, room, _ in rooms] == sorted(room for _, room, _ in rooms)
    assert rooms[0][0] == 5.0 and rooms[0][2] == "tight"
    assert rooms[1][2] == "ok"


@settings(max_examples=6, deadline=None)
@given(foot=feet, side=sides, longer_by=st.floats(15.0, 30.0))
def test_a_foot_longer_than_the_shoe_is_tight_at_the_toe(foot, side, longer_by):
    # given the default shoe (12 mm toe allowance) and a foot longer than it
    params = shoe(foot, side)
    longer = avatar_of(foot, side, length_mm=foot["length_mm"] + longer_by)
    # when checked
    result = fit_check("shoe", params, longer, heatmap=False)
    # then the toes have no room: they push through the front
    assert result["regions"]["toe"]["status"] == "tight"
    assert result["regions"]["toe"]["value_mm"] < 12.0 - longer_by + 2.0
    assert result["verdict"] in ("tight", "tight_and_loose")
    assert {"code": "toe_tight", "region": "toe", "status": "tight"}.items() <= result["messages"][0].items()
    assert result["foot_source"] == "scan"


@settings(max_examples=6, deadline=None)
@given(foot=feet, side=sides, wider_by=st.floats(6.0, 12.0))
def test_a_wider_foot_is_tight_at_the_ball(foot, side, wider_by):
    # given the shoe built for a foot, and a foot wider at the ball by 6-12 mm (same girth: a flatter forefoot)
    params = shoe(foot, side)
    width = foot["ball_width_mm"] + wider_by
    wider = avatar_of(foot, side, ball_width_mm=width, ball_girth_mm=max(foot["ball_girth_mm"], 2.05 * width))
    # when checked
    result = fit_check("shoe", params, wider, heatmap=False)
    # then it is tight at the ball on both sides, by about half the extra width each
    for region in ("ball_medial", "ball_lateral"):
        assert result["regions"][region]["status"] == "tight", result["regions"]
        assert result["regions"][region]["value_mm"] < -wider_by / 4
    codes = [message["code"] for message in result["messages"]]
    assert "ball_medial_tight" in codes and "ball_lateral_tight" in codes
    text = next(m["text"] for m in result["messages"] if m["code"] == "ball_medial_tight")
    assert text.startswith("Tight at the ball, inner (big-toe) side")


@settings(max_examples=5, deadline=None)
@given(foot=feet)
def test_left_and_right_mirrored_give_the_same_regions(foot):
    # given a right foot and its mirror image as the left foot
    right_foot = avatar_of(foot, "right", ball_width_mm=foot["ball_width_mm"] + 3.0)
    left_foot = trimesh.Trimesh(right_foot.vertices * [1.0, -1.0, 1.0], right_foot.faces[:, ::-1], process=False)
    for key, build in (("shoe", shoe), ("insole", insole)):
        right = fit_check(key, build(foot, "right"), right_foot, heatmap=False)
        left = fit_check(key, build(foot, "left"), left_foot, heatmap=False)
        # then the regions are the same (medial is medial on both)
        for name, region in right["regions"].items():
            assert left["regions"][name]["status"] == region["status"], name
            assert left["regions"][name]["value_mm"] == pytest.approx(region["value_mm"], abs=0.15), name
        assert left["verdict"] == right["verdict"]


def test_a_wide_shoe_is_loose_at_the_ball_and_heel():
    # given a shoe built for a wide foot, worn by a narrow one
    wide = dict(EXAMPLE_FOOT, ball_width_mm=112.0, ball_girth_mm=280.0, instep_girth_mm=285.0, heel_width_mm=80.0)
    result = fit_check("shoe", shoe(wide), foot_avatar(FootMeasurements.from_dict(EXAMPLE_FOOT), "right"),
                       heatmap=False)
    assert statuses(result)["ball_medial"] == "loose" and statuses(result)["ball_lateral"] == "loose"
    assert statuses(result)["heel"] == "loose"
    assert result["verdict"] == "loose"


def test_heatmap_shows_the_fit():
    foot = EXAMPLE_FOOT
    fits = fit_check("shoe", shoe(foot))
    tight = fit_check("shoe", shoe(foot, toe_allowance_mm=5.0))
    for result in (fits, tight):
        image = Image.open(io.BytesIO(result["heatmap_png"]))
        assert image.format == "PNG" and image.size[0] >= 600 and image.size[1] >= 500
    fits_px = np.asarray(Image.open(io.BytesIO(fits["heatmap_png"])).convert("RGB")).astype(int)
    tight_px = np.asarray(Image.open(io.BytesIO(tight["heatmap_png"])).convert("RGB")).astype(int)
    legend = fits_px.shape[0] - 60  # the legend strip at the bottom has every colour: leave it out

    def red(pixels):
        r, g, b = pixels[:legend].transpose(2, 0, 1)
        return ((r > 150) & (r > 2 * g) & (r > 2 * b)).sum()

    def green(pixels):
        r, g, b = pixels[:legend].transpose(2, 0, 1)
        return ((g > r + 30) & (g > b + 20)).sum()

    # the fitting shoe is green on the foot with almost no red; the short one shows red at the toes
    assert green(fits_px) > 20_000
    assert red(fits_px) < 300
    assert red(tight_px) > 5 * max(red(fits_px), 100)


def test_toe_room_thresholds_are_documented_in_the_result():
    result = fit_check("shoe", shoe(EXAMPLE_FOOT), heatmap=False)
    toe = result["regions"]["toe"]
    assert (toe["tight_below_mm"], toe["loose_above_mm"]) == SHOE_THRESHOLDS_MM["toe"]
    assert result["regions"]["heel"]["medial_mm"] is not None and result["regions"]["instep"]["covered"]


# ---------------------------------------------------------------------------------------------------------
# insole


@settings(max_examples=8, deadline=None)
@given(foot=feet, side=sides, arch_support=st.sampled_from(["low", "medium", "high"]))
def test_the_insole_built_for_a_foot_fits_its_avatar(foot, side, arch_support):
    result = fit_check("insole", insole(foot, side, arch_support=arch_support), heatmap=False)
    assert result["verdict"] == "fits", result["regions"]
    assert list(result["regions"]) == INSOLE_REGIONS
    # the toe room is the toe allowance; the arch is what was measured, the support a share of it
    assert result["regions"]["toe"]["value_mm"] == pytest.approx(5.0, abs=0.6)
    arch = result["regions"]["arch"]
    assert arch["foot_arch_mm"] == pytest.approx(foot["arch_height_mm"], abs=2.0)
    assert arch["value_mm"] == pytest.approx(arch["foot_arch_mm"] - arch["support_mm"], abs=0.11)


def test_insole_without_support_under_a_high_arch_is_loose_and_a_short_one_tight():
    high_arch = dict(EXAMPLE_FOOT, arch_height_mm=28.0)
    result = fit_check("insole", insole(high_arch, arch_support="none"), heatmap=False)
    assert statuses(result)["arch"] == "loose" and result["verdict"] == "loose"
    assert result["messages"][0]["code"] == "arch_loose"
    # an insole with no toe allowance worn by a foot 10 mm longer: the toes hang over the end
    longer = avatar_of(EXAMPLE_FOOT, "left", length_mm=275.0)
    short = fit_check("insole", insole(EXAMPLE_FOOT, "left", toe_allowance_mm=0.0), longer, heatmap=False)
    assert statuses(short)["toe"] == "tight" and short["regions"]["toe"]["value_mm"] < -5.0
    # and the insole heat map is drawn too
    image = Image.open(io.BytesIO(fit_check("insole", insole(EXAMPLE_FOOT, "left"))["heatmap_png"]))
    assert image.format == "PNG"


# ---------------------------------------------------------------------------------------------------------
# inputs, scans, speed


def test_bad_inputs_are_refused():
    with pytest.raises(ParameterError) as error:
        fit_check("hat", shoe(EXAMPLE_FOOT))
    assert error.value.field == "product"
    with pytest.raises(ParameterError) as error:
        fit_check("insole", shoe(EXAMPLE_FOOT))
    assert error.value.field == "params"
    in_metres = foot_avatar(FootMeasurements.from_dict(EXAMPLE_FOOT), "right").apply_scale(0.001)
    with pytest.raises(ParameterError) as error:
        fit_check("shoe", shoe(EXAMPLE_FOOT), in_metres)
    assert error.value.field == "foot_mesh"


def test_a_finer_mesh_of_the_same_foot_reads_the_same():
    # given a foot of ~20k vertices (the avatar subdivided twice: the same surface), as a scan would be
    # (how long the check takes on it: bench/bench_fit.py)
    params = shoe(EXAMPLE_FOOT)
    coarse = foot_avatar(params.foot, "right")
    fine = coarse.subdivide().subdivide()
    assert len(fine.vertices) > 20_000
    # when both are checked
    results = [fit_check("shoe", params, mesh, heatmap=False) for mesh in (coarse, fine)]
    # then both fit, region by region within a few tenths of a millimetre
    for name in SHOE_REGIONS:
        values = [result["regions"][name]["value_mm"] for result in results]
        assert values[1] == pytest.approx(values[0], abs=0.4), name
    assert results[1]["verdict"] == "fits", results[1]["regions"]


@pytest.mark.skipif(not SCAN.exists(), reason="the Foot3D scan is not here")
def test_on_a_real_scan_the_toe_room_follows_the_product_length():
    # given the Foot3D laser scan 0044 (with its shin) measured into the canonical frame
    result = scan_measure(trimesh.load(SCAN, process=False))
    foot = {key: result.measurements[key] for key in MEASUREMENT_RANGES_MM}
    for key, build in (("shoe", shoe), ("insole", insole)):
        # when products for that foot, and for a foot 15 mm longer, are checked on it
        checks = [fit_check(key, build(dict(foot, length_mm=foot["length_mm"] + longer), result.side), result.foot)
                  for longer in (0.0, 15.0)]
        # then the foot length read is the scan's, and the longer product has 15 mm more room ahead of the toes
        for check in checks:
            assert check["foot_length_mm"] == pytest.approx(foot["length_mm"], abs=3.0)
            assert Image.open(io.BytesIO(check["heatmap_png"])).format == "PNG"
        toe_rooms = [check["regions"]["toe"]["value_mm"] for check in checks]
        # (the shoe's room ahead of a toe vertex just above the footbed ends where the toe-sprung floor rises into
        # its line, so on this scan the longer shoe gives well over half the extra length, not all of it)
        least = 15.0 - 2.5 if key == "insole" else 9.0
        assert least <= toe_rooms[1] - toe_rooms[0] <= 15.0 + 2.5, (key, toe_rooms)


def test_modules_import_without_django():
    code = ("import sys; import geometry.avatar, geometry.fit, "
            "geometry.sizing; assert 'django' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
