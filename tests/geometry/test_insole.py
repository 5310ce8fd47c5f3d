import numpy as np
import pytest
import shapely
from hypothesis import given, settings, strategies as st

from geometry import registry
from geometry.errors import ParameterError
from geometry.foot import FootMeasurements
from geometry.printability import overhang_area_mm2
from geometry.insole import (HEEL_CUP_RIM_MM, MIN_SKIN_MM, POCKET_INSET_MM, InsoleParams, insole,
                                          outline, pockets)

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
                                          ("cushioning", "gel"), ("cushioning", None),
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


def vertical_hits(mesh, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    Lowest and highest crossing of the mesh by vertical lines through the points ``xy`` ((r, 2) mm).

    Under a pocket the lowest crossing is the pocket's roof, elsewhere the bottom (z=0); the highest
    is the top surface. NaN where the line misses the mesh.
    """
    triangles = np.asarray(mesh.triangles)
    p0, p1, p2 = triangles[:, 0, :2], triangles[:, 1, :2], triangles[:, 2, :2]
    denominator = (p1[:, 0] - p0[:, 0]) * (p2[:, 1] - p0[:, 1]) - (p2[:, 0] - p0[:, 0]) * (p1[:, 1] - p0[:, 1])
    keep = np.abs(denominator) > 1e-12  # vertical walls are crossed nowhere
    triangles, p0, p1, p2, denominator = triangles[keep], p0[keep], p1[keep], p2[keep], denominator[keep]
    xlo, xhi = triangles[:, :, 0].min(axis=1), triangles[:, :, 0].max(axis=1)
    low, high = np.full(len(xy), np.nan), np.full(len(xy), np.nan)
    for x in np.unique(xy[:, 0]):  # one column of points at a time, against the triangles spanning it
        rows = np.flatnonzero(xy[:, 0] == x)
        t = np.flatnonzero((xlo <= x) & (xhi >= x))
        if len(t) == 0:
            continue
        q = xy[rows][:, None, :]
        b1 = ((q[..., 0] - p0[t, 0]) * (p2[t, 1] - p0[t, 1]) - (p2[t, 0] - p0[t, 0]) * (q[..., 1] - p0[t, 1])) \
            / denominator[t]
        b2 = ((p1[t, 0] - p0[t, 0]) * (q[..., 1] - p0[t, 1]) - (q[..., 0] - p0[t, 0]) * (p1[t, 1] - p0[t, 1])) \
            / denominator[t]
        inside = (b1 >= 0) & (b2 >= 0) & (b1 + b2 <= 1)
        z = (1 - b1 - b2) * triangles[t, 0, 2] + b1 * triangles[t, 1, 2] + b2 * triangles[t, 2, 2]
        hit = inside.any(axis=1)
        low[rows[hit]] = np.where(inside, z, np.inf).min(axis=1)[hit]
        high[rows[hit]] = np.where(inside, z, -np.inf).max(axis=1)[hit]
    return low, high


def plan_grid(mesh, step_mm: float = 2.5) -> np.ndarray:
    """Points over (and a little beyond) the mesh's plan, offset so they do not sit on grid lines."""
    (x0, y0, _), (x1, y1, _) = mesh.bounds
    X, Y = np.meshgrid(np.arange(x0 - 2.0 + 0.137, x1 + 2.0, step_mm), np.arange(y0 - 2.0 + 0.291, y1 + 2.0, step_mm),
                       indexing="ij")
    return np.column_stack([X.ravel(), Y.ravel()])


CUSHIONING_CASES = [
    pytest.param({}, "right", id="defaults"),
    pytest.param({"thickness_mm": 2.0, "heel_cup_mm": 15.0, "arch_support": "high"}, "left", id="thinnest-left"),
    pytest.param({"thickness_mm": 10.0, "heel_cup_mm": 0.0, "arch_support": "none"}, "right", id="thickest-flat"),
]


@pytest.mark.parametrize("options, side", CUSHIONING_CASES)
@pytest.mark.parametrize("pattern", ["honeycomb", "ribs"])
def test_cushioning_is_cut_into_the_underside_only(pattern, options, side):
    # given the same insole without and with a cushioning pattern
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    plain = insole(InsoleParams(foot=foot, side=side, cushioning="none", **options))
    params = InsoleParams(foot=foot, side=side, cushioning=pattern, **options)
    cushioned = insole(params)
    # then it is still one clean solid, lighter than the plain one, with the same outline and height
    assert_printable(cushioned)
    assert cushioned.volume < 0.99 * plain.volume  # lighter (least so at the 2 mm minimum thickness)
    assert overhang_area_mm2(cushioned, max_overhang_deg=45.0) < 1.0  # roofs print without supports (<1 mm² of slivers)
    np.testing.assert_allclose(cushioned.bounds, plain.bounds, atol=0.01)
    # and seen from above nothing changed: same silhouette, same top surface
    xy = plan_grid(plain)
    plain_low, plain_top = vertical_hits(plain, xy)
    low, top = vertical_hits(cushioned, xy)
    np.testing.assert_array_equal(np.isnan(top), np.isnan(plain_top))
    covered = ~np.isnan(top)
    np.testing.assert_allclose(top[covered], plain_top[covered], atol=0.01)
    assert np.allclose(plain_low[covered], 0.0, atol=1e-6)
    # the pockets: open at the bottom, roofed by a skin of at least MIN_SKIN_MM under the top surface
    pocket = covered & (low > 1e-3)
    assert pocket.sum() > 10
    assert (top[pocket] - low[pocket]).min() >= MIN_SKIN_MM - 1e-6
    # they keep POCKET_INSET_MM inside the outline and clear of the heel-cup rim
    plan = shapely.Polygon(outline(params).polygon(200) * [1, -1 if side == "left" else 1])
    edge = shapely.distance(shapely.points(xy[pocket]), plan.exterior)
    assert edge.min() >= POCKET_INSET_MM - 0.1
    heel = xy[pocket][:, 0] < 0.34 * foot.length_mm
    assert heel.any() and edge[heel].min() >= HEEL_CUP_RIM_MM - 0.1


def test_honeycomb_pockets_are_smaller_under_the_heel_and_ball():
    params = InsoleParams(foot=FootMeasurements.from_dict(EXAMPLE_FOOT), side="right")
    assert params.cushioning == "honeycomb"
    cells, _, _ = pockets(params, outline(params))
    x = shapely.get_coordinates(shapely.centroid(cells))[:, 0] / params.foot.length_mm
    area = shapely.area(cells)
    midfoot = area[(x > 0.42) & (x < 0.52)].mean()
    assert area[(x > 0.1) & (x < 0.2)].mean() < 0.8 * midfoot  # heel
    assert area[(x > 0.67) & (x < 0.73)].mean() < 0.8 * midfoot  # ball
    # disjoint: the web between pockets is never thinner than the lattice minimum
    assert shapely.area(shapely.union_all(cells)) == pytest.approx(area.sum())


def test_no_cushioning_is_the_plain_slab():
    foot = FootMeasurements.from_dict(EXAMPLE_FOOT)
    plain = insole(InsoleParams(foot=foot, side="right", cushioning="none"))
    params = InsoleParams(foot=foot, side="right", cushioning="none")
    assert len(pockets(params, outline(params))[0]) == 0
    low, _ = vertical_hits(plain, plan_grid(plain, 5.0))
    assert np.nanmax(low) == pytest.approx(0.0, abs=1e-9)
