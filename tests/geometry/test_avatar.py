import numpy as np
import pytest
import shapely
from hypothesis import given, settings, strategies as st

from geometry import measurements
from geometry._scan_frame import floor_frame
from geometry.avatar import BALL_STATION, INSTEP_STATION, LEG_TOP_FRACTION, foot_avatar
from geometry.errors import ParameterError
from geometry.foot import FootMeasurements

from ._support import EXAMPLE_FOOT, assert_part_printable, feet


def tape_girth_mm(mesh, x_mm: float) -> float:
    """What a tape measure reads around the mesh at ``x_mm``: the perimeter of the section's convex hull."""
    section = mesh.section(plane_origin=[x_mm, 0.0, 0.0], plane_normal=[1.0, 0.0, 0.0])
    return shapely.MultiPoint(section.vertices[:, 1:]).convex_hull.length


def oblique_tape_mm(mesh, a, b) -> float:
    """A tape round the mesh in the vertical plane through points ``a`` and ``b`` (written out here, not imported)."""
    across = (b - a)[:2] / np.linalg.norm((b - a)[:2])
    normal = np.array([-across[1], across[0], 0.0])
    section = mesh.section(plane_origin=(a + b) / 2, plane_normal=normal)
    in_plane = np.column_stack([section.vertices[:, :2] @ across, section.vertices[:, 2]])
    return shapely.MultiPoint(in_plane).convex_hull.length


@settings(max_examples=15, deadline=None)
@given(foot=feet, side=st.sampled_from(["left", "right"]))
def test_avatar_is_a_closed_foot_with_the_measurements(foot, side):
    # given a real ANSUR foot (instep girth and arch height drawn)
    measured = FootMeasurements.from_dict(foot)
    length = measured.length_mm
    # when its avatar is built
    mesh = foot_avatar(measured, side)
    # then it is one closed, outward-wound body standing on the floor with its heel at x=0
    assert_part_printable(mesh)
    assert mesh.bounds[0, 2] == pytest.approx(0.0, abs=1e-6)
    assert mesh.bounds[0, 0] == pytest.approx(0.0, abs=1e-3)
    # and its x is within 2.5 degrees of the foot's own axis (the footprint's principal axis), so its plan
    # extents are near the measurements
    frame = floor_frame(mesh)
    assert np.degrees(np.arccos(np.clip(frame[0, 0], -1.0, 1.0))) < 2.5
    assert mesh.extents[0] == pytest.approx(length, abs=1.5)
    assert mesh.extents[1] == pytest.approx(measured.ball_width_mm, abs=2.5)
    # on that axis it measures what was measured, taped where each definition says (the tape written out
    # here): length and girths within 1 mm, widths and the arch within 2 mm
    foot_frame = mesh.copy().apply_transform(frame)
    v = foot_frame.vertices
    low = v[v[:, 2] < 0.15 * length]
    assert np.ptp(low[:, 0]) == pytest.approx(length, abs=1.0)
    ball = v[(v[:, 0] >= 0.6 * length) & (v[:, 0] <= 0.8 * length)]
    medial, lateral = ball[np.argmax(ball[:, 1])], ball[np.argmin(ball[:, 1])]
    assert medial[1] - lateral[1] == pytest.approx(measured.ball_width_mm, abs=2.0)
    heel = v[(v[:, 0] <= 0.25 * length) & (v[:, 2] < 0.15 * length)]
    assert np.ptp(heel[:, 1]) == pytest.approx(measured.heel_width_mm, abs=2.0)
    assert tape_girth_mm(foot_frame, INSTEP_STATION * length) == pytest.approx(measured.instep_girth_mm, abs=1.0)
    assert oblique_tape_mm(foot_frame, medial, lateral) == pytest.approx(measured.ball_girth_mm, abs=1.0)
    medial_sign = -1.0 if side == "left" else 1.0
    assert measurements.arch_height_mm(foot_frame, 0.0, length, medial_sign) == pytest.approx(
        measured.arch_height_mm, abs=2.0)
    # and an ankle stub rises to 0.4 x the length
    assert mesh.bounds[1, 2] == pytest.approx(LEG_TOP_FRACTION * length, abs=1e-3)


@settings(max_examples=10, deadline=None)
@given(foot=feet)
def test_arch_is_on_the_medial_side_and_toes_round_down(foot):
    measured = FootMeasurements.from_dict(foot)
    length = measured.length_mm
    mesh = foot_avatar(measured, "right")
    v = mesh.vertices
    # the medial (+y) underside at the arch is raised, the lateral one is on the floor
    arch = (v[:, 0] > 0.35 * length) & (v[:, 0] < 0.45 * length)
    centre = (v[arch, 1].min() + v[arch, 1].max()) / 2
    half = (v[arch, 1].max() - v[arch, 1].min()) / 2
    medial, lateral = arch & (v[:, 1] > centre + 0.6 * half), arch & (v[:, 1] < centre - 0.6 * half)
    assert v[medial, 2].min() > 0.5 * measured.arch_height_mm
    assert v[lateral, 2].min() < 1.0
    # the top falls from the ball to the toe tip, which is off the floor
    ball = np.abs(v[:, 0] - BALL_STATION * length) < 2.0
    toes = v[:, 0] > length - 10.0
    assert v[toes, 2].max() < 0.8 * v[ball, 2].max()
    tip = v[np.argmax(v[:, 0])]
    assert 3.0 < tip[2] < v[ball, 2].max() / 2


def test_left_is_the_mirror_of_right():
    measured = FootMeasurements.from_dict(EXAMPLE_FOOT)
    right, left = foot_avatar(measured, "right"), foot_avatar(measured, "left")
    assert np.allclose(left.vertices, right.vertices * [1.0, -1.0, 1.0])
    assert left.volume == pytest.approx(right.volume)
    # the medial side (the arch) is +y on the right foot
    assert right.vertices[right.vertices[:, 1] > 0, 2].min() <= right.vertices[right.vertices[:, 1] < 0, 2].min() + 1


@pytest.mark.parametrize("side", ["middle", None, "Left"])
def test_bad_side_is_refused(side):
    with pytest.raises(ParameterError) as error:
        foot_avatar(FootMeasurements.from_dict(EXAMPLE_FOOT), side)
    assert error.value.field == "side"


def test_foot_must_be_measurements():
    with pytest.raises(ParameterError) as error:
        foot_avatar(EXAMPLE_FOOT, "right")
    assert error.value.field == "foot"
