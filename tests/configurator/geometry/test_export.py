import io
import zipfile

import pytest
import trimesh

from configurator.geometry import export, registry

from ._support import EXAMPLE_FOOT


@pytest.fixture(scope="module", params=["insole", "shoe"])
def mesh(request):
    return registry.build(request.param, registry.parse(request.param, options={}, foot=EXAMPLE_FOOT, side="left"))


def single(loaded):
    if isinstance(loaded, trimesh.Scene):
        assert len(loaded.geometry) == 1
        return next(iter(loaded.geometry.values())), loaded
    return loaded, loaded


def test_stl_round_trip(mesh):
    data = export.to_stl(mesh)
    assert data[:5] != b"solid"  # binary
    loaded = trimesh.load(io.BytesIO(data), file_type="stl")
    assert loaded.is_watertight
    assert loaded.volume == pytest.approx(mesh.volume, rel=0.01)


def test_3mf_round_trip(mesh):
    data = export.to_3mf(mesh, name="Sartoria left", color="#C8553D")
    geometry, scene = single(trimesh.load(io.BytesIO(data), file_type="3mf"))
    assert scene.units in ("millimeter", "millimeters", "mm")
    assert geometry.is_watertight
    assert geometry.volume == pytest.approx(mesh.volume, rel=0.01)
    assert list(scene.geometry) == ["Sartoria left"]
    model = zipfile.ZipFile(io.BytesIO(data)).read("3D/3dmodel.model").decode()
    assert 'unit="millimeter"' in model and 'name="Sartoria left"' in model and "#C8553DFF" in model


def test_3mf_without_colour_and_with_odd_name(mesh):
    data = export.to_3mf(mesh, name='A & "B" <c>')
    geometry, scene = single(trimesh.load(io.BytesIO(data), file_type="3mf"))
    assert geometry.is_watertight


def test_glb_loads(mesh):
    data = export.to_glb(mesh, color="#c8553d")
    assert data[:4] == b"glTF"
    geometry, _ = single(trimesh.load(io.BytesIO(data), file_type="glb"))
    assert len(geometry.faces) == len(mesh.faces)
    # metres, y up
    assert geometry.extents[0] == pytest.approx(mesh.extents[0] / 1000, rel=1e-3)
    assert geometry.extents[1] == pytest.approx(mesh.extents[2] / 1000, rel=1e-3)
    assert export.to_glb(mesh)[:4] == b"glTF"
