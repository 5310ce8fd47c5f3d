"""
A foot of known measurements (the avatar) measured as if it were a scan: the scan's error per measurement,
against ground truth we set ourselves, over real ANSUR II feet in any pose.

Ball girth is the exception by definition: the scan takes it on the oblique plane through the 1st and 5th
metatarsal heads (as ANSUR's tape does), the avatar and the last are built on the perpendicular section at
the ball, which is 11–19 mm shorter on the same foot. The test pins that gap so a change to either shows.
"""
import numpy as np
from hypothesis import given, settings, strategies as st
from scipy.spatial.transform import Rotation

from geometry import avatar, scan
from geometry.foot import FootMeasurements
from tests.geometry._support import feet

TOLERANCE_MM = {"length_mm": 1.0, "ball_width_mm": 2.0, "instep_girth_mm": 1.0, "heel_width_mm": 3.0,
                "arch_height_mm": 2.5}
BALL_GIRTH_OBLIQUE_EXCESS_MM = (5.0, 25.0)


@given(foot=feet, side=st.sampled_from(["left", "right"]), rotation=st.integers(0, 2**32 - 1),
       shift=st.tuples(*[st.floats(-500, 500)] * 3))
@settings(max_examples=8, deadline=None)
def test_the_scan_measures_an_avatar_to_its_own_measurements(foot, side, rotation, shift):
    mesh = avatar.foot_avatar(FootMeasurements.from_dict(foot), side)
    pose = np.eye(4)
    pose[:3, :3] = Rotation.random(random_state=rotation).as_matrix()
    pose[:3, 3] = shift
    mesh.apply_transform(pose)
    result = scan.scan_measure(mesh)
    assert result.side == side
    for key, tolerance in TOLERANCE_MM.items():
        assert abs(result.measurements[key] - foot[key]) <= tolerance, (key, result.measurements[key], foot[key])
    low, high = BALL_GIRTH_OBLIQUE_EXCESS_MM
    assert low <= result.measurements["ball_girth_mm"] - foot["ball_girth_mm"] <= high
