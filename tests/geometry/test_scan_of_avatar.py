"""
A foot of known measurements (the avatar) measured as if it were a scan: the scan's error per measurement,
against ground truth we set ourselves, over real ANSUR II feet (both sexes, the whole range) in any pose.

Both sides use the one definition of each measurement in ``geometry.measurements``: the ball girth is taped
on the oblique plane through the 1st and 5th metatarsal heads (as ANSUR's tape), so the avatar reads back the
ball girth it was built from, not a perpendicular section's.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.spatial.transform import Rotation

from geometry import avatar, scan
from geometry.foot import FootMeasurements
from tests.geometry._support import ANSUR, feet, foot_from_row

TOLERANCE_MM = {"length_mm": 1.0, "ball_girth_mm": 1.0, "instep_girth_mm": 1.0, "ball_width_mm": 2.0,
                "heel_width_mm": 2.0, "arch_height_mm": 2.0}


def assert_reads_back(foot: dict, side: str, pose: np.ndarray) -> None:
    mesh = avatar.foot_avatar(FootMeasurements.from_dict(foot), side)
    mesh.apply_transform(pose)
    result = scan.scan_measure(mesh)
    assert result.side == side
    for key, tolerance in TOLERANCE_MM.items():
        assert abs(result.measurements[key] - foot[key]) <= tolerance, (key, result.measurements[key], foot[key])


@given(foot=feet, side=st.sampled_from(["left", "right"]), rotation=st.integers(0, 2**32 - 1),
       shift=st.tuples(*[st.floats(-500, 500)] * 3))
@settings(max_examples=20, deadline=None)
def test_the_scan_measures_an_avatar_to_its_own_measurements(foot, side, rotation, shift):
    pose = np.eye(4)
    pose[:3, :3] = Rotation.random(random_state=rotation).as_matrix()
    pose[:3, 3] = shift
    assert_reads_back(foot, side, pose)


def _extremes() -> list[tuple]:
    """ANSUR's ends: shortest and longest, narrowest and widest, flattest and fullest ball (girth / width)."""
    table = np.array([row[1:] for row in ANSUR])
    ratio = table[:, 2] / table[:, 1]
    picks = {int(np.argmin(table[:, 0])), int(np.argmax(table[:, 0])), int(np.argmin(table[:, 1])),
             int(np.argmax(table[:, 1])), int(np.argmin(ratio)), int(np.argmax(ratio))}
    return [ANSUR[i] for i in sorted(picks)]


@pytest.mark.parametrize("row", _extremes(), ids=lambda row: f"{row[0]}-{row[1]:g}x{row[2]:g}-{row[3]:g}")
@pytest.mark.parametrize("instep_ratio, arch_height_mm", [(0.72, 30.0), (0.78, 8.0)])
def test_the_ends_of_ansur_read_back(row, instep_ratio, arch_height_mm):
    assert_reads_back(foot_from_row(row, instep_ratio=instep_ratio, arch_height_mm=arch_height_mm), "right",
                      np.eye(4))
