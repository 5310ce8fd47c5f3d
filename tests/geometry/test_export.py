import io
import os
import shutil
import subprocess
import zipfile

import pytest
import trimesh

from geometry import export, registry

from ._support import EXAMPLE_FOOT


@pytest.fixture(scope="module")
def shoe_parts():
    params = registry.parse("shoe", options={"initials": "AB"}, foot=EXAMPLE_FOOT, side="left")
    return registry.build_parts("shoe", params), registry.part_materials("shoe", params)


@pytest.fixture(scope="module", params=["insole", "shoe:upper", "shoe:midsole", "shoe:outsole"])
def mesh(request, shoe_parts):
    # print files are made per part; the whole shoe is several bodies (see test_glb_of_whole_shoe)
    if request.param == "insole":
        return registry.build("insole", registry.parse("insole", options={}, foot=EXAMPLE_FOOT, side="left"))
    return shoe_parts[0][request.param.split(":")[1]]


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


def test_glb_of_whole_shoe():
    mesh = registry.build("shoe", registry.parse("shoe", options={}, foot=EXAMPLE_FOOT, side="left"))
    geometry, _ = single(trimesh.load(io.BytesIO(export.to_glb(mesh, color="#c8553d")), file_type="glb"))
    assert len(geometry.faces) == len(mesh.faces)


def test_3mf_parts_round_trip(shoe_parts):
    parts, materials = shoe_parts
    data = export.to_3mf_parts(parts, name="shoe-left", materials=materials)
    scene = trimesh.load(io.BytesIO(data), file_type="3mf")
    assert scene.units in ("millimeter", "millimeters", "mm")
    assert sorted(scene.geometry) == sorted(parts)
    for name, part in parts.items():
        loaded = scene.geometry[name]
        assert loaded.is_watertight
        assert loaded.volume == pytest.approx(part.volume, rel=0.01)
    model = zipfile.ZipFile(io.BytesIO(data)).read("3D/3dmodel.model").decode()
    # three part objects plus the assembly that holds them as components (so slicers keep them stacked)
    assert 'unit="millimeter"' in model and model.count("<object ") == 4 and model.count("<base ") == 3
    assert model.count("<component ") == 3 and model.count("<item ") == 1
    for name, entry in materials.items():
        assert f'name="{name}"' in model
        assert f'<base name="{entry["material"]}" displaycolor="{entry["color"].upper()}FF"/>' in model
    assert 'pid="1" pindex="0"' in model and 'pid="1" pindex="2"' in model
    # without materials: still valid, no basematerials
    assert b"basematerials" not in zipfile.ZipFile(io.BytesIO(
        export.to_3mf_parts(parts, name="x"))).read("3D/3dmodel.model")


def _prusa_or_skip() -> str:
    path = shutil.which("prusa-slicer")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("prusa-slicer is required on CI")
        pytest.skip("prusa-slicer is not installed")
    return path


def test_prusa_slicer_accepts_parts_without_repairs(shoe_parts, tmp_path):
    prusa = _prusa_or_skip()
    parts, materials = shoe_parts
    files = [tmp_path / "shoe.3mf"]
    files[0].write_bytes(export.to_3mf_parts(parts, name="shoe-left", materials=materials))
    for name, part in parts.items():
        files.append(tmp_path / f"{name}.stl")
        files[-1].write_bytes(export.to_stl(part))
    for path in files:
        result = subprocess.run([prusa, "--info", str(path)], capture_output=True, text=True, timeout=120)
        out = result.stdout + result.stderr
        assert result.returncode == 0, out
        expected = 3 if path.suffix == ".3mf" else 1
        assert out.count("manifold = yes") == expected, out
        assert "manifold = no" not in out
        for repair in ("degenerate_facets", "edges_fixed", "facets_removed", "facets_reversed", "backwards_edges"):
            assert repair not in out, out


def test_glb_parts_keep_names_and_colours():
    import io

    import trimesh as _trimesh

    from geometry import export, registry

    from ._support import EXAMPLE_FOOT

    params = registry.parse("shoe", options={"upper_color": "#112233"}, foot=EXAMPLE_FOOT, side="right")
    parts = registry.build_parts("shoe", params)
    materials = registry.part_materials("shoe", params)
    scene = _trimesh.load(io.BytesIO(export.to_glb_parts(parts, materials=materials)), file_type="glb")
    assert set(scene.geometry) == set(parts)
    upper = scene.geometry["upper"]
    assert list(upper.visual.material.baseColorFactor[:3]) == [0x11, 0x22, 0x33]
    # metres, +y up: the shoe's length (x) is about a quarter of a metre
    assert 0.2 < upper.extents[0] < 0.4


def test_3mf_names_with_markup_characters_survive_the_round_trip():
    # a design name with XML's special characters is stored as text, not as markup
    name = 'Tom & Jerry <"left">'
    data = export.to_3mf(trimesh.creation.box(extents=(10, 10, 10)), name=name, color="#c8553d")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        model = archive.read("3D/3dmodel.model").decode()
    assert "Tom &amp; Jerry &lt;" in model
    _, scene = single(trimesh.load(io.BytesIO(data), file_type="3mf"))
    assert list(scene.geometry) == [name]


def test_a_colour_that_is_not_rrggbb_is_refused():
    with pytest.raises(ValueError, match="#c8553d"):
        export.to_3mf(trimesh.creation.box(), name="box", color="red")
