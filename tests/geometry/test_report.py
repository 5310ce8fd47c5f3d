"""The mesh report counts bodies as pieces joined by edges."""
import numpy as np
import pytest
import trimesh

from geometry.report import body_count, mesh_report


def box_at(x_mm: float) -> trimesh.Trimesh:
    box = trimesh.creation.box(extents=(10, 10, 10))
    box.apply_translation((x_mm, 0, 0))
    return box


@pytest.mark.parametrize("count", [1, 2, 5])
def test_separate_boxes_are_separate_bodies(count):
    mesh = trimesh.util.concatenate([box_at(20.0 * i) for i in range(count)])
    assert body_count(mesh) == count and mesh_report(mesh)["bodies"] == count


def test_a_triangle_soup_is_one_body_per_triangle_and_an_empty_mesh_none():
    box = trimesh.creation.box()
    soup = trimesh.Trimesh(box.triangles.reshape(-1, 3), np.arange(36).reshape(-1, 3), process=False)
    assert body_count(soup) == 12
    assert body_count(trimesh.Trimesh()) == 0


def test_an_unused_vertex_is_not_a_body():
    box = trimesh.creation.box()
    stray = trimesh.Trimesh(np.vstack([box.vertices, [[50.0, 0, 0]]]), box.faces, process=False)
    assert body_count(stray) == 1
