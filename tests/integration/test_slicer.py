"""
Our print files through a real slicer: PrusaSlicer 2.5 (``--info`` and G-code export) and ADMesh.

The CLI runs headless (no display is needed for ``--info`` / ``--export-gcode``; DISPLAY and
WAYLAND_DISPLAY are removed anyway so it can never try to open a window), and ``--datadir`` points
at a temporary folder so no user presets are read.
"""
import os
import re
import shutil
import subprocess
import time

import pytest

from geometry import export, registry
from geometry.printability import printability_report
from tests.geometry._support import EXAMPLE_FOOT

pytestmark = pytest.mark.slow

TPU_DENSITY_G_CM3 = 1.21
# PrusaSlicer 2.5 prints these only when ADMesh-style repair found something (then with a count > 0);
# ``open_edges`` only when the mesh is not manifold.
REPAIR_KEYS = ("open_edges", "degenerate_facets", "edges_fixed", "facets_removed", "facets_reversed",
               "backwards_edges")
ADMESH_COUNTERS = ("Degenerate facets", "Edges fixed", "Facets removed", "Facets added", "Facets reversed",
                   "Backwards edges", "Normals fixed")


def tool(name: str) -> str:
    """Path of a command-line tool; skip without it locally, fail without it on CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed: .ci/run must install prusa-slicer and admesh "
                        "(apt-get install prusa-slicer admesh)")
        pytest.skip(f"{name} is not installed")
    return path


def run(args: list, *, timeout_s: float = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout_s, env=env)
    assert result.returncode == 0, (f"{args[0]} exited {result.returncode}:\n"
                                    f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def prusa_info(path, datadir) -> list[dict]:
    """
    ``prusa-slicer --info FILE``, one dict per object. 2.5.0 prints, per object::

        [name.stl]
        size_x = ... size_y, size_z, min_x/y/z, max_x/y/z
        number_of_facets = 28052
        manifold = yes
        (open_edges = n            only when not manifold)
        (degenerate_facets / edges_fixed / facets_removed / facets_reversed / backwards_edges = n,
                                   only those that are non-zero)
        number_of_parts =  1
        volume = 336803.187500
    """
    output = run([tool("prusa-slicer"), "--loglevel", "1", "--datadir", datadir, "--info", path]).stdout
    objects = []
    for line in output.splitlines():
        if line.startswith("[") and line.endswith("]"):
            objects.append({"file": line[1:-1]})
        elif " = " in line and objects:
            key, value = (part.strip() for part in line.split(" = ", 1))
            objects[-1][key] = value
    assert objects, output
    return objects


def admesh_counters(path) -> dict:
    """Plain ``admesh FILE`` (exact and nearby checks, hole filling, normals): its repair statistics."""
    output = run([tool("admesh"), path]).stdout
    counters = {name: int(value) for name, value in
                re.findall(r"^(\w[\w ]*?)\s*:\s*(\d+)\s*$", output, flags=re.MULTILINE)}
    parts = re.search(r"^Number of parts\s*:\s*(\d+)", output, flags=re.MULTILINE)
    counters["Number of parts"] = int(parts.group(1))
    assert set(ADMESH_COUNTERS) <= set(counters), output
    return counters


def built(key: str, side: str):
    params = registry.parse(key, options={}, foot=EXAMPLE_FOOT, side=side)
    if hasattr(registry, "build_parts"):
        parts = registry.build_parts(key, params)
    else:
        parts = {key: registry.build(key, params)}
    materials = registry.part_materials(key, params) if hasattr(registry, "part_materials") else None
    return params, registry.build(key, params), parts, materials


PRODUCTS = [("insole", "left"), ("insole", "right"), ("shoe", "right")]


@pytest.mark.parametrize("key, side", PRODUCTS)
def test_prusaslicer_and_admesh_find_nothing_to_repair(key, side, tmp_path):
    # given the default product written as STL (whole, and each part) and as 3MF
    _, mesh, parts, materials = built(key, side)
    files = {tmp_path / f"{key}-{side}.stl": export.to_stl(mesh),
             tmp_path / f"{key}-{side}.3mf": export.to_3mf(mesh, name=f"{key}-{side}", color="#c8553d")}
    files.update({tmp_path / f"{key}-{side}-{part}.stl": export.to_stl(part_mesh) for part, part_mesh in parts.items()})
    if hasattr(export, "to_3mf_parts"):
        files[tmp_path / f"{key}-{side}-parts.3mf"] = export.to_3mf_parts(parts, name=f"{key}-{side}",
                                                                          materials=materials)
    for path, data in files.items():
        path.write_bytes(data)

    for path in files:
        # when PrusaSlicer reads it
        objects = prusa_info(path, tmp_path / "prusa")
        # then every object is manifold and needed no repair
        is_parts_3mf = path.name.endswith("-parts.3mf")
        assert len(objects) == (len(parts) if is_parts_3mf else 1), objects
        for info in objects:
            assert info["manifold"] == "yes", (path.name, info)
            assert {k: info[k] for k in REPAIR_KEYS if k in info and float(info[k]) != 0} == {}, (path.name, info)
        whole = not is_parts_3mf and not path.stem.endswith(tuple(f"-{part}" for part in parts))
        if whole:
            # the whole product: one object holding one shell per part, facets and volume as we built them
            (info,) = objects
            assert int(info["number_of_parts"]) == len(parts), (path.name, info)
            assert int(info["number_of_facets"]) == len(mesh.faces)
            assert float(info["volume"]) == pytest.approx(mesh.volume, rel=2e-3)
        else:
            assert all(int(info["number_of_parts"]) == 1 for info in objects), (path.name, objects)

    for path in files:
        if path.suffix == ".stl":
            # and ADMesh (exact + nearby matching, hole filling, normal checks) changes nothing
            counters = admesh_counters(path)
            assert {name: counters[name] for name in ADMESH_COUNTERS if counters[name]} == {}, (path.name, counters)


@pytest.mark.parametrize("key, side", [("shoe", "right"), ("insole", "left")])
def test_prusaslicer_slices_the_default_product_to_gcode(key, side, tmp_path):
    # given the default product as one STL (the shoe's parts stay stacked as one object)
    _, mesh, parts, _ = built(key, side)
    stl = tmp_path / f"{key}-{side}.stl"
    stl.write_bytes(export.to_stl(mesh))
    gcode = tmp_path / f"{key}-{side}.gcode"
    # when sliced on a 400 mm bed with PrusaSlicer's default print settings (0.3 mm layers, 20 % infill)
    started = time.monotonic()
    run([tool("prusa-slicer"), "--loglevel", "1", "--datadir", tmp_path / "prusa", "--export-gcode",
         "--bed-shape", "0x0,400x0,400x400,0x400", "--max-print-height", "400", "--center", "200,200",
         "--filament-density", TPU_DENSITY_G_CM3, "-o", gcode, stl], timeout_s=240)
    print(f"\nsliced {key}-{side} in {time.monotonic() - started:.1f} s")
    # then there is G-code with a layer change every ~0.3 mm over the product's height
    text = gcode.read_text()
    layers = text.count("\n;LAYER_CHANGE")
    height_mm = float(mesh.extents[2])
    assert abs(layers - (1 + (height_mm - 0.35) / 0.3)) <= 3, (layers, height_mm)
    assert re.search(r"^G1 .*E[0-9.]+", text, flags=re.MULTILINE)
    # and a filament figure that is plausible for the volume: more than the perimeters alone could need
    # (10 %), less than the solid volume (plus a little skirt), and grams = cm3 x the density we gave
    used_cm3 = float(re.search(r"^; filament used \[cm3\] = ([0-9.]+)", text, flags=re.MULTILINE).group(1))
    used_g = float(re.search(r"^; total filament used \[g\] = ([0-9.]+)", text, flags=re.MULTILINE).group(1))
    volume_cm3 = mesh.volume / 1000
    assert 0.1 * volume_cm3 < used_cm3 < 1.05 * volume_cm3, (used_cm3, volume_cm3)
    assert used_g == pytest.approx(used_cm3 * TPU_DENSITY_G_CM3, rel=0.01)
    # our own estimate at full infill is an upper bound of what the slicer extrudes at 20 %
    report = printability_report(parts, materials=None, infill=1.0, wall_samples=200)
    assert used_g < 1.05 * report["total"]["grams"]
