import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from geometry import registry
from geometry._scan_measure import measure
from geometry.errors import ParameterError
from geometry.foot import FootMeasurements
from geometry._manifold import box, to_manifold
from geometry.shoe import ShoeParams, last, shoe, shoe_parts

from ._support import (EXAMPLE_FOOT, assert_part_printable, assert_parts_apart, cast_along_x, feet,
                       initials, options_strategy)


def cavity_length_mm(mesh, params) -> float:
    """
    Inner length measured on the shoe itself: bundles of rays along +x from inside the forefoot
    and along -x from inside the heel, just above the footbed; the farthest hits are the cavity ends.
    """
    the_last = last(params)
    sign = 1.0 if params.side == "right" else -1.0
    width = params.foot.ball_width_mm
    y = np.linspace(-0.3 * width, 0.3 * width, 13)
    results = []
    for x_origin, direction in ((0.75 * params.foot.length_mm, 1.0), (0.12 * params.foot.length_mm, -1.0)):
        floor = float(the_last.footbed_mm(x_origin))
        z = floor + np.linspace(0.5, 14.0, 28)
        origins = np.array([[x_origin, sign * yy, zz] for yy in y for zz in z])
        hits = cast_along_x(mesh, origins, direction)
        assert np.isfinite(hits).any()
        results.append(np.nanmax(hits) if direction > 0 else np.nanmin(hits))
    return results[0] - results[1]


@settings(max_examples=12, deadline=None)
@given(foot=feet, options=options_strategy(registry.option_schema("shoe")), side=st.sampled_from(["left", "right"]),
       initials=initials)
def test_shoe_is_printable_and_measures_right(foot, options, side, initials):
    # given a real ANSUR foot and any options (midsole, density, collar, materials, initials)
    params = registry.parse("shoe", options={**options, "initials": initials}, foot=foot, side=side)
    expected = registry.expected_dimensions("shoe", params)
    # when built
    parts = registry.build_parts("shoe", params)
    mesh = registry.build("shoe", params)
    # then every part is one clean solid, and the parts do not overlap
    assert list(parts) == ["upper", "midsole", "outsole"]
    for part in parts.values():
        assert_part_printable(part)
        # no facet collapses in a float32 file (what slicers would "repair"); see also the prusa-slicer test
        corners = part.vertices.astype(np.float32)[part.faces]
        assert not (corners[:, [0, 1, 2]] == corners[:, [1, 2, 0]]).all(axis=2).any()
    assert_parts_apart(parts)
    # and together they have the expected size, sole on the floor
    report = assert_part_printable(parts["outsole"])
    assert np.isclose(parts["outsole"].bounds[0, 2], 0.0, atol=1e-3)
    assert np.isclose(mesh.bounds[0, 2], 0.0, atol=1e-3)
    assert mesh.is_watertight and len(mesh.faces) == sum(len(p.faces) for p in parts.values())
    assert abs(mesh.extents[0] - expected["length_mm"]) <= 1.0
    assert abs(mesh.extents[1] - expected["width_mm"]) <= 1.0
    assert report["length_mm"] == pytest.approx(expected["length_mm"], abs=1.0)
    assert 10_000 <= len(mesh.faces) <= 120_000
    # and the last (the cavity before subtraction) is exactly the inner length long, ball and heel as asked
    the_last = last(params).tube()
    assert the_last.extents[0] == pytest.approx(expected["inner_length_mm"], abs=1e-6)
    assert the_last.extents[1] == pytest.approx(foot["ball_width_mm"], abs=1.0)
    heel = the_last.vertices[the_last.vertices[:, 0] < 0.2 * foot["length_mm"]]
    assert np.ptp(heel[:, 1]) == pytest.approx(expected["inner_heel_width_mm"], abs=1.0)


@settings(max_examples=6, deadline=None)
@given(foot=feet, toe_allowance_mm=st.floats(5.0, 25.0), toe_shape=st.sampled_from(["round", "almond", "square"]),
       heel_height_mm=st.sampled_from([0.0, 10.0, 40.0]), side=st.sampled_from(["left", "right"]))
def test_cavity_length_measured_by_rays(foot, toe_allowance_mm, toe_shape, heel_height_mm, side):
    params = registry.parse("shoe", options={"toe_allowance_mm": toe_allowance_mm, "toe_shape": toe_shape,
                                             "heel_height_mm": heel_height_mm}, foot=foot, side=side)
    mesh = shoe(params)
    expected = registry.expected_dimensions("shoe", params)["inner_length_mm"]
    assert abs(cavity_length_mm(mesh, params) - expected) <= 1.0


def last_read_as_a_foot(params, foot_length_mm: float | None = None) -> dict:
    """
    The last's inner surface measured by the scan's own measurer (one definition of each measurement): the last
    standing on the floor, cut square at ``foot_length_mm`` if given (so that its ball and instep are looked for
    at the same fractions of the same length as the foot's).
    """
    mesh = last(params).tube()
    mesh.apply_translation((0.0, 0.0, -mesh.bounds[0, 2]))
    if foot_length_mm is not None:
        mesh = mesh.slice_plane([foot_length_mm, 0.0, 0.0], [-1.0, 0.0, 0.0], cap=True)
    return measure(mesh).values


@settings(max_examples=15, deadline=None)
@given(foot=feet, girth_ease_mm=st.sampled_from([0.0, 4.0, 10.0, 16.0]), toe_allowance_mm=st.floats(5.0, 20.0),
       toe_shape=st.sampled_from(["round", "almond", "square"]))
def test_the_last_reads_as_the_foot_plus_the_ease(foot, girth_ease_mm, toe_allowance_mm, toe_shape):
    # given a flat last (no heel pitch) for a real ANSUR foot, any girth ease and toe room
    params = registry.parse("shoe", options={"heel_height_mm": 0.0, "girth_ease_mm": girth_ease_mm,
                                             "toe_allowance_mm": toe_allowance_mm, "toe_shape": toe_shape},
                            foot=foot, side="right")
    # when its inner surface is measured the way a scanned foot is
    whole = last_read_as_a_foot(params)
    foot_part = last_read_as_a_foot(params, foot["length_mm"])
    # then it is the foot plus the toe room long, and its girths are the foot's plus the ease
    assert whole["length_mm"] == pytest.approx(foot["length_mm"] + toe_allowance_mm, abs=1.0)
    assert foot_part["ball_girth_mm"] == pytest.approx(foot["ball_girth_mm"] + girth_ease_mm, abs=1.0)
    assert foot_part["instep_girth_mm"] == pytest.approx(foot["instep_girth_mm"] + girth_ease_mm, abs=1.0)
    assert foot_part["ball_width_mm"] == pytest.approx(foot["ball_width_mm"], abs=1.0)


def test_instep_room_raises_the_instep_only():
    # given the default last and one with 6 mm of instep room
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    plain, roomy = last(ShoeParams(foot=foot, side="right")), last(ShoeParams(foot=foot, side="right",
                                                                              instep_room_mm=6.0))
    # then the instep section is 6 mm taller, and the ball line and the toe box are as they were
    x = np.array([0.55, 0.72, 0.88]) * foot.length_mm
    np.testing.assert_allclose(roomy.height_mm(x) - plain.height_mm(x), [6.0, 0.0, 0.0], atol=1e-9)


def test_collar_is_open_and_floor_is_at_sole_thickness():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    params = ShoeParams(foot=foot, side="right", sole_thickness_mm=10.0, heel_height_mm=0.0)
    mesh = shoe(params)
    # a ray straight down through the collar opening lands on the footbed, not on the upper
    x = 0.3 * foot.length_mm
    swapped = mesh.copy()
    swapped.vertices = mesh.vertices[:, ::-1]  # z becomes the "x" axis of the ray helper
    first_hit_z = cast_along_x(swapped, np.array([[500.0, 0.0, x]]), -1.0)
    assert first_hit_z[0] == pytest.approx(10.0, abs=0.1)


def test_left_is_the_mirror_of_right():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    right = shoe(ShoeParams(foot=foot, side="right"))
    left = shoe(ShoeParams(foot=foot, side="left"))
    assert left.volume == pytest.approx(right.volume, rel=1e-6)
    assert left.is_winding_consistent and left.volume > 0
    np.testing.assert_allclose(left.vertices, right.vertices * [1, -1, 1])


def test_progress_is_reported_in_order():
    calls = []
    shoe(ShoeParams(foot=FootMeasurements.from_dict(EXAMPLE_FOOT), side="right"),
         on_progress=lambda stage, fraction: calls.append((stage, fraction)))
    fractions = [fraction for _, fraction in calls]
    assert len(calls) >= 3 and fractions == sorted(fractions) and fractions[-1] == 1.0


@pytest.mark.parametrize("field, value", [("wall_thickness_mm", 1.0), ("sole_thickness_mm", 25.0),
                                          ("toe_shape", "pointy"), ("heel_height_mm", float("nan")),
                                          ("toe_allowance_mm", True)])
def test_params_validate_in_post_init(field, value):
    with pytest.raises(ParameterError) as caught:
        ShoeParams(**{"foot": FootMeasurements.from_dict(EXAMPLE_FOOT), "side": "right", field: value})
    assert caught.value.field == field


def _fraction_in(mesh, lo, hi) -> float:
    """Solid fraction of ``mesh`` inside the box ``lo``..``hi`` (manifold intersection)."""
    window = box(lo, hi)
    return (to_manifold(mesh) ^ window).volume() / window.volume()


@settings(max_examples=6, deadline=None)
@given(foot=feet, density=st.floats(0.2, 0.8), side=st.sampled_from(["left", "right"]))
def test_lattice_midsole_is_lighter_and_sparser_towards_the_toe(foot, density, side):
    solid = registry.build_parts("shoe", registry.parse("shoe", options={"midsole": "solid"}, foot=foot, side=side))
    params = registry.parse("shoe", options={"midsole": "lattice", "lattice_density": density}, foot=foot, side=side)
    lattice_parts = registry.build_parts("shoe", params)
    assert lattice_parts["midsole"].volume < solid["midsole"].volume
    # the other parts do not change
    assert lattice_parts["upper"].volume == pytest.approx(solid["upper"].volume, rel=1e-6)
    L, heel_w, ball_w = foot["length_mm"], foot["heel_width_mm"], foot["ball_width_mm"]
    # interior windows (inside the solid rim), heel slab vs forefoot slab, through the whole midsole height
    heel = _fraction_in(lattice_parts["midsole"], (0.06 * L, -0.3 * heel_w, 0.0), (0.24 * L, 0.3 * heel_w, 80.0))
    toe = _fraction_in(lattice_parts["midsole"], (0.76 * L, -0.3 * ball_w, 0.0), (0.94 * L, 0.3 * ball_w, 80.0))
    heel_solid = _fraction_in(solid["midsole"], (0.06 * L, -0.3 * heel_w, 0.0), (0.24 * L, 0.3 * heel_w, 80.0))
    toe_solid = _fraction_in(solid["midsole"], (0.76 * L, -0.3 * ball_w, 0.0), (0.94 * L, 0.3 * ball_w, 80.0))
    # local solid fraction of the honeycomb = lattice volume / solid volume in the same window
    assert heel / heel_solid > toe / toe_solid


def test_initials_are_engraved_into_the_upper():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    for side in ("left", "right"):
        plain = shoe_parts(ShoeParams(foot=foot, side=side))["upper"]
        engraved = shoe_parts(ShoeParams(foot=foot, side=side, initials="AB8"))["upper"]
        assert_part_printable(engraved)
        assert engraved.volume < plain.volume - 10.0
        # only at the back of the heel, at most the engraving depth deep
        changed = engraved.vertices[~np.isin(engraved.vertices.round(4), plain.vertices.round(4)).all(axis=1)]
        assert changed[:, 0].max() < 15.0


def test_initials_are_validated_and_upper_cased():
    params = registry.parse("shoe", options={"initials": "ab1"}, foot=EXAMPLE_FOOT, side="left")
    assert params.initials == "AB1"
    for bad in ("ABCD", "A-B", "é", 12):
        with pytest.raises(ParameterError) as caught:
            registry.parse("shoe", options={"initials": bad}, foot=EXAMPLE_FOOT, side="left")
        assert caught.value.field == "initials"


def test_a_shoe_longer_than_the_printer_builds_is_refused_naming_the_toe_allowance():
    from geometry.errors import ParameterError

    # given the longest foot we accept and the most toe room
    foot = {**EXAMPLE_FOOT, "length_mm": 340.0}
    # when asking for a shoe 340 + 25 + walls long (> 360 mm, the default printer's longest side)
    with pytest.raises(ParameterError) as refused:
        registry.parse("shoe", options={"toe_allowance_mm": 25}, foot=foot, side="right")
    # then the option to change and how far are named
    assert refused.value.field == "toe_allowance_mm"
    assert "360" in str(refused.value) and "mm for this foot" in refused.value.allowed
    # and a shorter toe allowance for the same foot is accepted
    registry.parse("shoe", options={"toe_allowance_mm": 8}, foot=foot, side="right")
