"""A plate's 3MF (named objects with codes, materials, colours, bed positions) and its picture from above."""
from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pytest
import shapely
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from geometry import packing, plate_export
from geometry.errors import ParameterError
from geometry.materials import MATERIALS
from geometry.plate_export import PlateObject

NS = {"m": "http://schemas.microsoft.com/3dmanufacturing/core/2015/02"}
BED_MM = (360.0, 360.0)


def read_model(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {"[Content_Types].xml", "_rels/.rels", "3D/3dmodel.model"} <= set(archive.namelist())
        return etree.fromstring(archive.read("3D/3dmodel.model"))


def objects_from(model) -> dict[str, dict]:
    """name -> {code, metadata, material (base name), color, vertices (n, 3)} of each build item's object."""
    bases = model.findall("m:resources/m:basematerials/m:base", NS)
    found = {}
    for item in model.findall("m:build/m:item", NS):
        obj = model.find(f"m:resources/m:object[@id='{item.get('objectid')}']", NS)
        metadata = {m.get("name"): m.text for m in obj.findall("m:metadatagroup/m:metadata", NS)}
        vertices = np.array([[float(v.get(k)) for k in "xyz"] for v in obj.findall("m:mesh/m:vertices/m:vertex", NS)])
        base = bases[int(obj.get("pindex"))]
        found[obj.get("name")] = {"metadata": metadata, "material": base.get("name"),
                                  "color": base.get("displaycolor"), "vertices": vertices,
                                  "transform": item.get("transform")}
    return found


def boxes_plate(sizes, colors, materials):
    """Boxes packed onto the bed as PlateObjects (code "S0001-Pk-L")."""
    meshes = {f"S0001-P{k}-L": trimesh.creation.box(size) for k, size in enumerate(sizes)}
    plates = packing.pack([packing.PackPart(code, packing.footprint(mesh)) for code, mesh in meshes.items()],
                          bed_mm=BED_MM)
    placements = {p.key: p for plate in plates[:1] for p in plate.placements}
    return [PlateObject(name=f"{code} part", code=code, mesh=packing.place_mesh(meshes[code], placement),
                        material=materials[int(code.split("-P")[1].split("-")[0]) % len(materials)],
                        color=colors[int(code.split("-P")[1].split("-")[0]) % len(colors)])
            for code, placement in placements.items()]


colors = st.lists(st.from_regex(re.compile(r"#[0-9a-f]{6}"), fullmatch=True), min_size=1, max_size=3)
sizes = st.lists(st.tuples(st.floats(10, 150), st.floats(10, 150), st.floats(1, 60)), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None)
@given(sizes=sizes, colors=colors, materials=st.lists(st.sampled_from(list(MATERIALS)), min_size=1, max_size=3))
def test_every_object_is_named_by_its_code_and_stays_where_it_was_placed(sizes, colors, materials):
    # given parts packed on a plate
    objects = boxes_plate(sizes, colors, materials)
    # when written as one 3MF
    model = read_model(plate_export.plate_3mf(objects, printer_key="prusa_xl", plate_name="plate-7"))
    found = objects_from(model)
    # then every part is one build item named with its code, the code also in its metadata
    assert len(found) == len(objects)
    for obj in objects:
        entry = found[obj.name]
        assert obj.code in obj.name and entry["metadata"]["sartoria:code"] == obj.code
        assert entry["metadata"]["sartoria:material"] == obj.material
        # with its material and colour
        assert entry["material"] == MATERIALS[obj.material]["label"]
        assert entry["color"] == obj.color.upper() + "FF"
        # where it was placed on the bed, standing on z = 0, no transform to undo
        assert entry["transform"] is None
        assert np.allclose(entry["vertices"].min(axis=0)[:2], obj.mesh.bounds[0, :2], atol=1e-4)
        assert entry["vertices"][:, 2].min() == pytest.approx(0.0, abs=1e-5)
        assert np.all(entry["vertices"][:, :2] >= -1e-4) and np.all(entry["vertices"][:, :2] <= 360.0 + 1e-4)
    # and the base materials are one per material and colour pair
    pairs = {(o.material, o.color.upper()) for o in objects}
    assert len(model.findall("m:resources/m:basematerials/m:base", NS)) == len(pairs)
    assert model.find("m:metadata[@name='sartoria:printer']", NS).text == "prusa_xl"


def test_a_name_without_its_code_or_an_unknown_printer_is_refused():
    box = trimesh.creation.box((10, 10, 10))
    with pytest.raises(ParameterError, match="code"):
        plate_export.plate_3mf([PlateObject("upper", "S0001-UP-L", box, "tpu_95a", "#112233")],
                               printer_key="prusa_xl", plate_name="p")
    with pytest.raises(ParameterError, match="printer"):
        plate_export.plate_3mf([PlateObject("S0001-UP-L", "S0001-UP-L", box, "tpu_95a", "#112233")],
                               printer_key="no-such", plate_name="p")


def test_the_picture_shows_each_part_in_its_colour_where_it_lies():
    # given two boxes of different colours placed on the plate
    a = trimesh.creation.box((100, 60, 5))
    a.apply_translation((60, 40, 2.5))           # occupies x 10..110, y 10..70
    b = trimesh.creation.box((80, 80, 5))
    b.apply_translation((250, 250, 2.5))         # occupies x 210..290, y 210..290
    objects = [PlateObject("S0002-OS-L", "S0002-OS-L", a, "tpu_95a", "#cc2200"),
               PlateObject("S0002-OS-R", "S0002-OS-R", b, "tpu_95a", "#0044cc")]
    image = Image.open(io.BytesIO(plate_export.plate_top_png(objects, bed_mm=BED_MM, size_px=720)))
    pixels = np.asarray(image.convert("RGB")).astype(int)
    margin = max(12, 720 // 40)
    scale = (720 - 2 * margin) / 360.0

    def at(x_mm, y_mm):
        return pixels[int(image.height - margin - y_mm * scale), int(margin + x_mm * scale)]

    # then a point inside each part (away from its code's letters) has the part's colour, y up
    assert np.abs(at(20, 20) - [0xcc, 0x22, 0x00]).max() < 8
    assert np.abs(at(220, 280) - [0x00, 0x44, 0xcc]).max() < 8
    # and the bed between them is not painted
    assert at(150, 150).min() > 200
    # and each part's code is written in it: ink of the other shade near its centre
    centre = pixels[int(image.height - margin - 250 * scale) - 15:int(image.height - margin - 250 * scale) + 15,
                    int(margin + 250 * scale) - 60:int(margin + 250 * scale) + 60]
    assert (centre.min(axis=2) > 200).sum() > 20  # white letters on blue
