"""Scans are parsed in a child process: too much memory or time fails that scan with its reason, nothing else."""
import pytest
import trimesh

from customers.scan_sandbox import ScanRefused, measure_isolated
from tests.datafiles import FIND_0015A


def test_a_real_scan_is_measured_in_the_child():
    progress = []
    measured = measure_isolated(FIND_0015A.read_bytes(), "foot.ply", memory_mb=3072, time_limit_s=120,
                                on_progress=lambda stage, fraction: progress.append((stage, fraction)))
    assert measured.side == "left" and 240 < measured.measurements["length_mm"] < 280
    assert measured.foot_ply.startswith(b"ply") and measured.summary["side"] == "left"
    assert progress and progress[-1][1] == pytest.approx(1.0)


def test_a_mesh_that_needs_more_memory_than_allowed_is_refused_saying_so():
    # 1.3 M triangles parse and clean in well over 700 MB; Python, numpy and trimesh alone fit in it
    sphere = trimesh.creation.icosphere(subdivisions=8)
    sphere.apply_scale(130.0)
    with pytest.raises(ScanRefused, match="more than 700 MB of memory"):
        measure_isolated(sphere.export(file_type="ply"), "big.ply", memory_mb=700, time_limit_s=120)


def test_a_scan_over_the_time_limit_is_refused_saying_so():
    with pytest.raises(ScanRefused, match="longer than 0.5 s"):
        measure_isolated(FIND_0015A.read_bytes(), "foot.ply", memory_mb=3072, time_limit_s=0.5)


def test_what_the_geometry_refuses_comes_back_with_its_reason():
    cube = trimesh.creation.box((200.0, 100.0, 80.0)).export(file_type="stl")
    with pytest.raises(ScanRefused) as refused:
        measure_isolated(cube, "cube.stl", memory_mb=3072, time_limit_s=120)
    assert "foot" in refused.value.message.lower()


def test_an_obj_declaring_more_vertices_than_allowed_is_refused_before_parsing():
    too_many = b"v 1 2 3\n" * 2_000_001 + b"f 1 2 3\n"
    with pytest.raises(ScanRefused, match="2,000,001 vertices"):
        measure_isolated(too_many, "many.obj", memory_mb=3072, time_limit_s=120)
