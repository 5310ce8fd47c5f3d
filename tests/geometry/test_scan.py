"""Foot scans: loading defensively, finding the foot in any pose, measuring it (real scans, no database)."""
import io
import json
import pickle
import random
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import trimesh
from hypothesis import given, settings, strategies as st

from geometry.errors import ParameterError, ScanError
from geometry.foot import MEASUREMENT_RANGES_MM, FootMeasurements
from geometry.scan import (ACCEPTED_FORMATS, SCAN_LIMITS, ScanLimits, ScanResult, measure_scan_file,
                                        scan_load, scan_measure)

from tests.datafiles import MESHES_DIR as MESHES
SCANS = ("foot3d_0044_scan.ply", "foot3d_0044_colmap.obj", "find_template_0015A.ply")
KEYS = tuple(MEASUREMENT_RANGES_MM) + ("toe_box_height_mm",)
ROOT = Path(__file__).resolve().parents[2]

# The scan and the COLMAP photogrammetry of the same foot (0044) differ by (COLMAP - scan, mm):
# length +10.4, ball width +8.5, ball girth +19.1, instep girth +13.9, heel width +2.3, arch -4.5,
# toe box -2.2. COLMAP is "scaled to match" but is not quite: rigidly aligned (ICP) its heel lies 5.2 mm
# behind and its toe 4.7 mm ahead of the laser scan's at every height up to 12 mm, coherently (not spikes),
# and a free scale of 0.975-0.985 fits the two surfaces best both ways; its forefoot also flares sideways
# near the floor. Trimming the outermost 10-100 mm² at each end, Taubin smoothing or dropping up-facing skirt
# faces moves the gap by under 1 mm, so it is left as the phone scan's uncertainty (± mm, tested below), not
# measured away. The tolerances leave ~20 % headroom on those differences.
# the phone twin with its floor skirt left out of the extents (docs/readme/phone-scans.md): +9.7 length, +4.1 ball
# width, +1.1 heel width (were +10.4, +8.5, +2.3); the inflated toe and heel caps are not detected
SCAN_VS_COLMAP_MM = {"length_mm": 10.5, "ball_width_mm": 5.0, "ball_girth_mm": 18.0, "instep_girth_mm": 17.0,
                     "heel_width_mm": 2.0, "arch_height_mm": 6.0, "toe_box_height_mm": 4.0}


@lru_cache(maxsize=None)
def raw(name: str) -> trimesh.Trimesh:
    """A real scan as stored (metres, roughly upright), loaded once per test session."""
    return scan_load((MESHES / name).read_bytes(), name)


@lru_cache(maxsize=None)
def measured(name: str) -> ScanResult:
    return scan_measure(raw(name))


def posed(mesh: trimesh.Trimesh, rotation: np.ndarray, offset_mm, scale: float, mirror: bool) -> trimesh.Trimesh:
    """The mesh scaled (file units), rotated, moved and optionally mirrored."""
    out = mesh.copy()
    matrix = np.eye(4)
    matrix[:3, :3] = scale * rotation @ (np.diag([-1.0, 1.0, 1.0]) if mirror else np.eye(3))
    matrix[:3, 3] = np.asarray(offset_mm) * scale / 1000.0
    out.apply_transform(matrix)
    return out


def assert_same(result: ScanResult, reference: ScanResult, tolerance_mm: float = 0.5) -> None:
    for key in KEYS:
        assert abs(result.measurements[key] - reference.measurements[key]) <= tolerance_mm, (
            key, result.measurements[key], reference.measurements[key])


rotations = st.tuples(*[st.floats(-1.0, 1.0)] * 4).filter(lambda q: np.linalg.norm(q) > 0.2).map(
    lambda q: trimesh.transformations.quaternion_matrix(np.asarray(q) / np.linalg.norm(q))[:3, :3])
offsets = st.tuples(*[st.floats(-2000.0, 2000.0)] * 3)
units = st.sampled_from([("m", 1.0), ("cm", 100.0), ("mm", 1000.0)])


# --- measurements of the real scans ---------------------------------------------------------------

@pytest.mark.parametrize("name", SCANS)
def test_real_scan_measurements_are_plausible(name):
    # given a real scan as stored, when measured
    before = raw(name).vertices.copy()
    result = measured(name)
    np.testing.assert_array_equal(raw(name).vertices, before)  # the input is not modified
    # then every value is in range, the six make a valid foot, and the result is JSON-safe
    for key, (low, high) in MEASUREMENT_RANGES_MM.items():
        assert low <= result.measurements[key] <= high, (key, result.measurements[key])
    assert 10.0 <= result.measurements["toe_box_height_mm"] <= 80.0
    foot = FootMeasurements.from_dict({key: result.measurements[key] for key in MEASUREMENT_RANGES_MM})
    assert foot == result.foot_measurements()
    assert result.units == "m" and result.side == "left"  # FIND is a left-foot model; 0044's big toe is at -y
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == set(KEYS) | {"side", "units", "quality", "uncertainty_mm"}
    assert set(data["uncertainty_mm"]) == set(KEYS) and all(value > 0 for value in data["uncertainty_mm"].values())
    assert data["quality"]["grade"] in {"good", "fair", "poor"} and 0.0 <= data["quality"]["score"] <= 1.0
    assert all(round(value, 1) == value for value in result.measurements.values())


@pytest.mark.parametrize("name", SCANS)
def test_the_foot_is_in_the_canonical_frame_and_cut_above_the_ankle(name):
    result = measured(name)
    length = result.measurements["length_mm"]
    foot = result.foot
    # then the foot stands on z=0, its heel is near x=0 and its toe at x=length, the leg is cut off
    assert foot.bounds[0, 2] == pytest.approx(0.0, abs=1e-6)
    assert foot.bounds[1, 2] <= 0.45 * (length + 0.05) + 1e-6  # length is rounded to 0.1 mm
    below_ankle = foot.vertices[foot.vertices[:, 2] < 0.15 * length]
    assert below_ankle[:, 0].min() >= -1.0 and below_ankle[:, 0].max() <= length + 1.0
    # and the transform takes the input there
    moved = trimesh.transform_points(raw(name).vertices, result.transform)
    assert moved[:, 2].min() == pytest.approx(0.0, abs=1e-6)


def test_quality_reflects_the_scans():
    # the FIND template is closed and clean; the 0044 scan has no sole; COLMAP is noisy and open
    assert measured("find_template_0015A.ply").quality["grade"] == "good"
    assert any("sole is open" in note for note in measured("foot3d_0044_scan.ply").quality["notes"])
    colmap = measured("foot3d_0044_colmap.obj").quality
    assert any("noisy" in note for note in colmap["notes"])
    # the phone reconstruction saw the heel poorly: few, large triangles there; the laser and the model did not
    assert any("heel is sparsely reconstructed" in note for note in colmap["notes"])
    for name in ("foot3d_0044_scan.ply", "find_template_0015A.ply"):
        assert not any("sparsely" in note for note in measured(name).quality["notes"])
    assert colmap["score"] < measured("foot3d_0044_scan.ply").quality["score"]


def test_scan_and_colmap_of_the_same_foot_agree():
    scan, colmap = measured("foot3d_0044_scan.ply"), measured("foot3d_0044_colmap.obj")
    for key, tolerance in SCAN_VS_COLMAP_MM.items():
        assert abs(colmap.measurements[key] - scan.measurements[key]) <= tolerance, key
    assert scan.side == colmap.side


def test_each_measurement_carries_an_uncertainty_that_covers_the_twins_disagreement():
    scan, colmap = measured("foot3d_0044_scan.ply"), measured("foot3d_0044_colmap.obj")
    clean = measured("find_template_0015A.ply")
    for key in KEYS:
        # the noisy phone reconstruction is less certain than the laser scan, which is no better than the clean model
        assert colmap.uncertainty_mm[key] > scan.uncertainty_mm[key] >= clean.uncertainty_mm[key] > 0, key
        # and the two scans of one foot agree within their uncertainties
        difference = abs(colmap.measurements[key] - scan.measurements[key])
        assert difference <= colmap.uncertainty_mm[key] + scan.uncertainty_mm[key], (key, difference)
    # a clean closed scan is good to about a millimetre on lengths and widths
    assert clean.uncertainty_mm["length_mm"] <= 1.5 and clean.uncertainty_mm["ball_width_mm"] <= 1.5


# --- invariance -------------------------------------------------------------------------------------

@settings(max_examples=10, deadline=None)
@given(name=st.sampled_from(SCANS), rotation=rotations, offset=offsets, unit=units, mirror=st.booleans())
def test_any_pose_units_and_mirror_give_the_same_numbers(name, rotation, offset, unit, mirror):
    # given a real scan rotated, moved, in any unit, maybe mirrored (a right foot made from a left one)
    mesh = posed(raw(name), rotation, offset, unit[1], mirror)
    # when measured
    result = scan_measure(mesh)
    # then the numbers are those of the scan as stored, and the side flips with the mirror
    reference = measured(name)
    assert_same(result, reference)
    for key in KEYS:
        assert abs(result.uncertainty_mm[key] - reference.uncertainty_mm[key]) <= 0.2, key
    assert result.units == unit[0]
    assert result.side == ({"left": "right", "right": "left"}[reference.side] if mirror else reference.side)


@settings(max_examples=6, deadline=None)
@given(name=st.sampled_from(["foot3d_0044_scan.ply", "find_template_0015A.ply"]), toe_mm=st.floats(8.0, 30.0),
       heel_mm=st.floats(8.0, 30.0), ball_mm=st.floats(8.0, 30.0))
def test_spikes_at_the_toe_heel_and_ball_are_left_out(name, toe_mm, heel_mm, ball_mm):
    # given a real scan with single points pulled out (8-30 mm, several times its 1.5 mm mesh) at the toe tip,
    # the heel and the ball's side: outliers
    reference = measured(name)
    foot = raw(name).copy().apply_transform(reference.transform)  # canonical frame, mm
    v = foot.vertices.copy()
    low = np.flatnonzero(v[:, 2] < 30.0)
    length = reference.measurements["length_mm"]
    ball = low[(v[low, 0] > 0.6 * length) & (v[low, 0] < 0.8 * length)]
    for index, push in ((low[np.argmax(v[low, 0])], [toe_mm, 0, 0]), (low[np.argmin(v[low, 0])], [-heel_mm, 0, 0]),
                        (ball[np.argmax(v[ball, 1])], [0, ball_mm, 0])):
        v[index] += push
    spiked = trimesh.Trimesh(v, foot.faces, process=False)
    # when measured, then the numbers are the scan's and the spikes are named
    result = scan_measure(spiked)
    assert_same(result, reference)
    assert any("spike" in note for note in result.quality["notes"])


@pytest.mark.parametrize("name", SCANS)
def test_remeshing_does_not_change_the_numbers(name):
    # given the same surface with a third of its triangles split in four (and in another pose)
    mesh = raw(name)
    chosen = np.random.default_rng(7).choice(len(mesh.faces), len(mesh.faces) // 3, replace=False)
    finer = posed(mesh.subdivide(face_index=chosen), np.eye(3)[[1, 2, 0]], (50.0, -20.0, 300.0), 1000.0, False)
    assert len(finer.faces) > 1.9 * len(mesh.faces)
    # then it measures the same
    assert_same(scan_measure(finer), measured(name))


def test_subdivided_everywhere_measures_the_same():
    mesh = raw("foot3d_0044_colmap.obj")
    assert_same(scan_measure(trimesh.Trimesh(*trimesh.remesh.subdivide(mesh.vertices, mesh.faces))),
                measured("foot3d_0044_colmap.obj"))


def with_floor_plate_and_blobs(name: str, *, plate_mm: float, rotation: np.ndarray) -> trimesh.Trimesh:
    """The scan standing on a plate (top at its floor), with stray blobs around, in another pose (mm)."""
    reference = measured(name)
    foot = raw(name).copy()
    foot.apply_transform(reference.transform)  # canonical frame, mm, floor at z=0
    length = reference.measurements["length_mm"]
    if plate_mm > 0:
        plate = trimesh.creation.box(extents=[length + 160.0, 220.0, plate_mm])
        plate.apply_translation([length / 2, 0.0, -plate_mm / 2])
    else:  # a one-sided sheet, as a scanner sees the floor
        plate = trimesh.Trimesh([[-80, -110, 0], [length + 80, -110, 0], [length + 80, 110, 0], [-80, 110, 0]],
                                [[0, 1, 2], [0, 2, 3]]).subdivide().subdivide()
    blobs = [trimesh.creation.icosphere(subdivisions=2, radius=radius).apply_translation(centre)
             for radius, centre in ((4.0, [length + 30, 90, 40]), (7.0, [-70, -80, 25]), (3.0, [120, 0, 320]))]
    scene = trimesh.util.concatenate([foot, plate] + blobs)
    matrix = np.eye(4)
    matrix[:3, :3] = rotation
    matrix[:3, 3] = [310.0, -75.0, 42.0]
    return scene.apply_transform(matrix)


@settings(max_examples=4, deadline=None)
@given(name=st.sampled_from(["foot3d_0044_scan.ply", "find_template_0015A.ply"]), rotation=rotations,
       plate_mm=st.sampled_from([0.0, 1.0, 3.0, 15.0]))
def test_floor_plate_and_stray_blobs_are_removed(name, rotation, plate_mm):
    result = scan_measure(with_floor_plate_and_blobs(name, plate_mm=plate_mm, rotation=rotation))
    assert_same(result, measured(name))
    assert result.side == measured(name).side
    assert any("floor plate" in note for note in result.quality["notes"])
    assert any("stray parts" in note for note in result.quality["notes"])


def test_progress_is_reported_in_order():
    calls = []
    result = measure_scan_file((MESHES / SCANS[1]).read_bytes(), SCANS[1],
                               on_progress=lambda stage, fraction: calls.append((stage, fraction)))
    assert [stage for stage, _ in calls] == ["load", "units", "clean", "orient", "measure"]
    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert result.measurements == measured(SCANS[1]).measurements


# --- bad input ----------------------------------------------------------------------------------------

def mesh_bytes(mesh: trimesh.Trimesh, file_type: str) -> bytes:
    data = mesh.export(file_type=file_type)
    return data.encode() if isinstance(data, str) else data


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(member: str, zeros_mb: int) -> bytes:
    """A small zip expanding to ``zeros_mb`` MB of zeros, written in chunks (never whole in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(member, "w", force_zip64=True) as stream:
            chunk = bytes(1 << 20)
            for _ in range(zeros_mb):
                stream.write(chunk)
    return buffer.getvalue()


def raises_scan_error(data: bytes, filename: str, *, limits: ScanLimits = SCAN_LIMITS, match: str) -> ScanError:
    with pytest.raises(ScanError, match=match) as caught:
        measure_scan_file(data, filename, limits=limits)
    error = caught.value
    assert isinstance(error, ParameterError) and error.field == "file"
    assert error.allowed  # says what is accepted
    json.dumps(error.to_dict())
    return error


@pytest.mark.parametrize("data, filename, match", [
    (b"", "foot.stl", "empty"),
    (b"my left foot, 27 cm", "foot.txt", r"\.txt are not accepted"),
    (b"my left foot, 27 cm\n" * 20, "foot.stl", "neither a binary STL"),
    (b"my left foot, 27 cm\n" * 20, "foot.ply", "cannot be read as PLY"),
    (b"my left foot, 27 cm\n" * 20, "foot.obj", "no triangles"),
    (b"solid foot\nendsolid foot\n", "foot.stl", "no triangles"),
    (b"PK\x03\x04 not really", "scan.zip", "damaged or not a zip"),
    (b"\x00" * 100, "foot", "no extension are not accepted"),
])
def test_unreadable_files_are_refused(data, filename, match):
    raises_scan_error(data, filename, match=match)


@pytest.mark.parametrize("file_type", ACCEPTED_FORMATS)
def test_binary_junk_is_refused(file_type):
    junk = random.Random(file_type).randbytes(20_000)
    raises_scan_error(junk, f"foot.{file_type}", match="cannot be read|neither a binary STL|no triangles")


@pytest.mark.parametrize("file_type", ACCEPTED_FORMATS)
def test_a_cube_is_not_a_foot(file_type):
    for size in (1.0, 0.25, 250.0):
        cube = mesh_bytes(trimesh.creation.box(extents=[size] * 3), file_type)
        raises_scan_error(cube, f"cube.{file_type}", match="no foot")


def test_a_point_cloud_is_not_a_mesh():
    cloud = trimesh.PointCloud(raw(SCANS[0]).vertices[:500]).export(file_type="ply")
    raises_scan_error(cloud, "cloud.ply", match="no triangles")


@pytest.mark.parametrize("name", SCANS)
def test_too_many_triangles_are_refused_before_parsing(name):
    error = raises_scan_error((MESHES / name).read_bytes(), name, limits=ScanLimits(max_triangles=10_000),
                              match="more than 10,000")
    assert "triangles" in error.message


def test_too_large_a_file_is_refused():
    raises_scan_error((MESHES / SCANS[0]).read_bytes(), SCANS[0], limits=ScanLimits(max_file_bytes=100_000),
                      match="larger than 0.1 MB")


def test_a_zip_with_one_mesh_is_read_like_the_mesh():
    data = zipped({"__MACOSX/._foot.obj": b"junk", "scan/foot.obj": (MESHES / SCANS[1]).read_bytes(),
                   "scan/foot.mtl": b"newmtl skin\n", "scan/texture.jpg": b"\xff\xd8"})
    assert len(scan_load(data, "Scan 2026-11-23.ZIP").faces) == len(raw(SCANS[1]).faces)


def test_a_zip_with_two_meshes_is_refused():
    data = zipped({"left.ply": (MESHES / SCANS[0]).read_bytes(), "right.stl": b"solid x\nendsolid x\n"})
    error = raises_scan_error(data, "feet.zip", match="2 meshes")
    assert "left.ply" in error.message and "right.stl" in error.message


def test_a_zip_without_a_mesh_is_refused():
    raises_scan_error(zipped({"readme.txt": b"hello"}), "scan.zip", match="no STL, OBJ or PLY")


def test_a_zip_bomb_is_stopped_while_decompressing():
    bomb = zip_bomb("foot.stl", 64)  # ~64 kB expanding to 64 MB
    assert len(bomb) < 200_000
    raises_scan_error(bomb, "bomb.zip", match="zip bomb")
    # the absolute cap holds even when the ratio would allow it
    raises_scan_error(zip_bomb("foot.ply", 8), "bomb.zip", limits=ScanLimits(max_uncompressed_bytes=2_000_000,
                                                                            max_zip_ratio=1e9),
                      match="more than 2 MB")


def test_scan_error_survives_pickling_and_names_the_file():
    error = raises_scan_error(b"", "foot.stl", match="empty")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ScanError and copy.to_dict() == error.to_dict()
    assert copy.value == "foot.stl" and str(copy).startswith("Invalid file = 'foot.stl'")


def test_scan_modules_import_without_django():
    code = ("import sys, geometry.scan, geometry._scan_load, "
            "geometry._scan_frame, geometry._scan_measure; "
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
