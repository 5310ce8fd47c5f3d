"""
Geometry timings without the web stack: build, preview (GL and Pillow), export, and the shoe's sole
against OpenSCAD doing the same constructive solid geometry.

For the default shoe and insole of the right foot in bench/feet.json it prints a table of medians:
build time per product -- the whole product, all its parts together: the parts cannot be timed apart,
since manifold3d evaluates the booleans lazily and together at the end of the build -- (and the triangles
of each part), preview time per renderer at 640x480 and 1024x768 (plus a 100k-triangle torus), export
time (3MF, STL, GLB).

Then it compares the shoe's sole (midsole + outsole), read back from the generated meshes, with OpenSCAD
on two equivalent models, each timed as `openscad -o X.stl X.scad` against manifold3d (the generator's
engine) running the very same CSG in-process:

  * sole_multipath.scad, hand-optimised: all lattice holes as ONE multi-path polygon() and all tread
    grooves as another, so each difference() has just two operands;
  * sole_natural.scad, natural CSG, what a designer would write: difference() { linear_extrude() outline;
    then, for each lattice hole, translate([cx,cy,z]) linear_extrude() polygon(hex around 0,0); for each
    tread groove the same }, i.e. one extruded solid per hole / groove (manifold3d gets the same solids
    through one batch_boolean Subtract, as the generator does). OpenSCAD is stopped after
    --openscad-timeout seconds (default 600); the ratio is then a lower bound.

The generator's own sole cannot be timed alone (lazy evaluation again), so the whole shoe's build is
printed next to it as an upper bound. Asserts nothing about time.

    .venv/bin/python bench/bench_geometry.py [--quick] [--runs 5] [--json out.json] [--openscad-timeout 600]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import manifold3d
import numpy as np
import shapely
import trimesh

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from geometry import export, registry, render  # noqa: E402
from _timing import run_times  # noqa: E402  (bench/ is on the path when a bench runs)

FEET = json.loads((BASE_DIR / "bench" / "feet.json").read_text())
SIZES = {"640x480": (640, 480), "1024x768": (1024, 768)}


def median_seconds(function, runs: int, warm_up: bool = True) -> float:
    """Median wall time of ``runs`` calls (after one untimed call)."""
    return statistics.median(run_times(function, runs, warm_up=warm_up))


def build(key: str, params) -> dict[str, trimesh.Trimesh]:
    """The product's parts (``registry.build_parts`` when it exists, else one part from ``registry.build``)."""
    if hasattr(registry, "build_parts"):
        return registry.build_parts(key, params)
    return {key: registry.build(key, params)}


def colours(key: str, params, parts: dict) -> list[tuple[trimesh.Trimesh, str]]:
    materials = registry.part_materials(key, params) if hasattr(registry, "part_materials") else {}
    default = getattr(params, "color", render.DEFAULT_COLOR)
    return [(mesh, materials.get(name, {}).get("color", default)) for name, mesh in parts.items()]


def exporters(key: str, params, parts: dict) -> dict:
    """Zero-argument callables producing each file kind, using the multi-part exporters when present."""
    whole = trimesh.util.concatenate(list(parts.values()))
    materials = registry.part_materials(key, params) if hasattr(registry, "part_materials") else None
    colour = getattr(params, "color", None)
    calls = {}
    if hasattr(export, "to_3mf_parts"):
        calls["3mf"] = lambda: export.to_3mf_parts(parts, name=key, materials=materials)
    else:
        calls["3mf"] = lambda: export.to_3mf(whole, name=key, color=colour)
    calls["stl"] = lambda: [export.to_stl(mesh) for mesh in parts.values()]
    if hasattr(export, "to_glb_parts"):
        calls["glb"] = lambda: export.to_glb_parts(parts, materials=materials)
    else:
        calls["glb"] = lambda: export.to_glb(whole, color=colour)
    return calls


def preview_times(scene, runs: int) -> dict:
    """Seconds for one three-quarter view per renderer and size, and the four default views at 640x480."""
    result = {}
    for renderer in ("gl", "pillow"):
        try:
            render.backend(renderer)
        except render.RendererUnavailable as error:
            result[renderer] = {"error": str(error)}
            continue
        times = {name: median_seconds(lambda: render.views(scene, size=size, angles=("three_quarter",),
                                                           renderer=renderer), runs)
                 for name, size in SIZES.items()}
        times["4 views 640x480"] = median_seconds(lambda: render.views(scene, size=(640, 480), renderer=renderer),
                                                  runs)
        result[renderer] = times
    return result


# ---------------------------------------------------------------------------------------------------------
# the sole, as OpenSCAD sees it


def _flattened(mesh: trimesh.Trimesh, lift) -> trimesh.Trimesh:
    """The mesh with the toe spring undone (every vertex lowered by ``lift(x)``), so sections are level."""
    vertices = np.array(mesh.vertices, float)
    vertices[:, 2] -= lift(vertices[:, 0])
    return trimesh.Trimesh(vertices, mesh.faces, process=False)


def _section(mesh: trimesh.Trimesh, z_mm: float) -> shapely.Geometry:
    """Plan polygons (with holes) where the plane z = z_mm cuts the mesh."""
    path = mesh.section(plane_origin=(0.0, 0.0, z_mm), plane_normal=(0.0, 0.0, 1.0))
    if path is None:
        return shapely.Polygon()
    planar, to_3d = path.to_2D()
    polygons = shapely.union_all(list(planar.polygons_full))
    # to_2D picks its own frame: map back to world x, y
    return shapely.transform(polygons, lambda xy: trimesh.transform_points(
        np.column_stack([xy, np.zeros(len(xy))]), to_3d)[:, :2])


def _polygons(geometry: shapely.Geometry, min_area_mm2: float = 0.5) -> list[shapely.Polygon]:
    parts = getattr(geometry, "geoms", [geometry])
    return [p for p in parts if isinstance(p, shapely.Polygon) and p.area >= min_area_mm2]


def sole_model(parts: dict[str, trimesh.Trimesh], params) -> dict:
    """
    The sole's plan shapes and heights, read from the generated midsole and outsole meshes.

    Returns
    -------
    model : dict
      ``outline`` Polygon; ``holes`` and ``grooves`` lists of Polygons; ``outsole_mm``, ``groove_mm``,
      ``midsole_bottom_mm``, ``midsole_top_mm`` floats (a flat midsole at the mean footbed height).
    """
    from geometry import shoe

    the_last = shoe.last(params)
    end_mm = the_last.plan.grown(params.wall_thickness_mm + shoe.WELT_MM).end_mm
    if hasattr(shoe, "toe_spring_mm"):
        def lift(x):
            return shoe.toe_spring_mm(x, foot_length_mm=params.foot.length_mm, end_mm=end_mm)
    else:
        def lift(x):
            return np.zeros_like(x)
    midsole, outsole = _flattened(parts["midsole"], lift), _flattened(parts["outsole"], lift)
    outsole_mm = float(outsole.bounds[1, 2])
    full = _section(outsole, outsole_mm - 0.2)  # above the grooves: the whole outline
    outline = max(_polygons(full), key=lambda p: p.area)
    contact = _section(outsole, 0.05)  # at the floor: the outline minus the grooves
    grooves = _polygons(outline.difference(contact).buffer(-0.05, join_style="mitre").buffer(0.05, join_style="mitre"))
    # groove depth: the lowest level (0.05 mm steps) whose section is the whole outline again
    levels = np.arange(0.1, outsole_mm, 0.05)
    areas = np.array([_section(outsole, z).area for z in levels])
    groove_mm = float(levels[np.argmax(areas > 0.995 * outline.area)])
    bottom = float(midsole.bounds[0, 2])
    holes_geometry = _section(midsole, bottom + 0.5)
    holes = [shapely.Polygon(ring) for polygon in _polygons(holes_geometry) for ring in polygon.interiors]
    top = float(np.mean(the_last.footbed_mm(np.linspace(0.0, the_last.plan.end_mm, 50)))
                - the_last.bottom_grow_mm(params.wall_thickness_mm) / 2)
    return {"outline": outline, "holes": [h for h in holes if h.area > 0.5], "grooves": grooves,
            "outsole_mm": outsole_mm, "groove_mm": groove_mm, "midsole_bottom_mm": bottom, "midsole_top_mm": top}


def _rings(polygons: list[shapely.Polygon]) -> list[np.ndarray]:
    """Exterior ring of each polygon, counter-clockwise, not closed: (n_i, 2) float each."""
    return [np.asarray(shapely.orient_polygons(p).exterior.coords)[:-1] for p in polygons]


def _scad_polygon(polygons: list[shapely.Polygon]) -> str:
    """One OpenSCAD polygon() with a path per (disjoint) polygon: a single 2D shape, as manifold gets it."""
    rings = _rings(polygons)
    points = ",".join(f"[{x:.4f},{y:.4f}]" for x, y in np.concatenate(rings).tolist())
    starts = np.cumsum([0] + [len(ring) for ring in rings])
    paths = ",".join("[" + ",".join(map(str, range(a, b))) + "]" for a, b in zip(starts[:-1], starts[1:]))
    return f"polygon(points=[{points}], paths=[{paths}]);"


def sole_scad(model: dict) -> str:
    """OpenSCAD source, hand-optimised: (outsole minus ONE multi-path grooves polygon) + (midsole minus ONE
    multi-path holes polygon)."""
    outline = _scad_polygon([model["outline"]])
    height = model["midsole_top_mm"] - model["midsole_bottom_mm"]
    grooves = holes = ""
    if model["grooves"]:
        grooves = (f"    translate([0,0,-1]) linear_extrude(height={model['groove_mm'] + 1:.4f}) "
                   f"{_scad_polygon(model['grooves'])}\n")
    if model["holes"]:
        holes = f"    translate([0,0,-1]) linear_extrude(height={height + 2:.4f}) {_scad_polygon(model['holes'])}\n"
    return (f"// the shoe's sole (midsole + outsole), written by bench/bench_geometry.py\n"
            f"union() {{\n"
            f"  difference() {{\n    linear_extrude(height={model['outsole_mm']:.4f}) {outline}\n{grooves}  }}\n"
            f"  translate([0,0,{model['midsole_bottom_mm']:.4f}]) difference() {{\n"
            f"    linear_extrude(height={height:.4f}) {outline}\n{holes}  }}\n"
            f"}}\n")


def _scad_cutters(polygons: list[shapely.Polygon], z0: float, height: float) -> str:
    """One ``translate([cx,cy,z0]) linear_extrude(height) polygon(...)`` per polygon, its points about (cx, cy)."""
    lines = []
    for polygon in polygons:
        ring = _rings([polygon])[0]
        centre = ring.mean(axis=0)
        points = ",".join(f"[{x:.4f},{y:.4f}]" for x, y in (ring - centre).tolist())
        lines.append(f"    translate([{centre[0]:.4f},{centre[1]:.4f},{z0:.4f}]) "
                     f"linear_extrude(height={height:.4f}) polygon([{points}]);\n")
    return "".join(lines)


def sole_scad_natural(model: dict) -> str:
    """OpenSCAD source, natural CSG: each difference() subtracts one extruded solid per groove / lattice hole."""
    outline = _scad_polygon([model["outline"]])
    height = model["midsole_top_mm"] - model["midsole_bottom_mm"]
    grooves = _scad_cutters(model["grooves"], -1.0, model["groove_mm"] + 1.0)
    holes = _scad_cutters(model["holes"], -1.0, height + 2.0)
    return (f"// the shoe's sole (midsole + outsole) as natural CSG, written by bench/bench_geometry.py\n"
            f"union() {{\n"
            f"  difference() {{\n    linear_extrude(height={model['outsole_mm']:.4f}) {outline}\n{grooves}  }}\n"
            f"  translate([0,0,{model['midsole_bottom_mm']:.4f}]) difference() {{\n"
            f"    linear_extrude(height={height:.4f}) {outline}\n{holes}  }}\n"
            f"}}\n")


def _prism(polygons: list[shapely.Polygon], z0: float, height: float) -> manifold3d.Manifold:
    section = manifold3d.CrossSection(_rings(polygons), manifold3d.FillRule.EvenOdd)
    return manifold3d.Manifold.extrude(section, height).translate((0.0, 0.0, z0))


def sole_manifold_natural(model: dict) -> manifold3d.Manifold:
    """The CSG of :func:`sole_scad_natural` with manifold3d in this process: one prism per hole / groove,
    subtracted in one batch_boolean (as the generator subtracts its cutters)."""
    height = model["midsole_top_mm"] - model["midsole_bottom_mm"]
    subtract = manifold3d.OpType.Subtract
    outsole = manifold3d.Manifold.batch_boolean(
        [_prism([model["outline"]], 0.0, model["outsole_mm"])]
        + [_prism([g], -1.0, model["groove_mm"] + 1.0) for g in model["grooves"]], subtract)
    midsole = manifold3d.Manifold.batch_boolean(
        [_prism([model["outline"]], 0.0, height)]
        + [_prism([h], -1.0, height + 2.0) for h in model["holes"]], subtract)
    solid = outsole + midsole.translate((0.0, 0.0, model["midsole_bottom_mm"]))
    solid.num_tri()  # force evaluation (manifold3d is lazy)
    return solid


def sole_manifold(model: dict) -> manifold3d.Manifold:
    """The CSG of :func:`sole_scad` (multi-path), with manifold3d in this process."""
    def prism(polygons: list[shapely.Polygon], z0: float, height: float) -> manifold3d.Manifold:
        section = manifold3d.CrossSection(_rings(polygons), manifold3d.FillRule.EvenOdd)
        return manifold3d.Manifold.extrude(section, height).translate((0.0, 0.0, z0))

    height = model["midsole_top_mm"] - model["midsole_bottom_mm"]
    outsole = prism([model["outline"]], 0.0, model["outsole_mm"])
    if model["grooves"]:
        outsole = outsole - prism(model["grooves"], -1.0, model["groove_mm"] + 1.0)
    midsole = prism([model["outline"]], model["midsole_bottom_mm"], height)
    if model["holes"]:
        midsole = midsole - prism(model["holes"], model["midsole_bottom_mm"] - 1.0, height + 2.0)
    solid = outsole + midsole
    solid.num_tri()  # force evaluation (manifold3d is lazy)
    return solid


def _openscad_times(openscad: str, scad: Path, runs: int, timeout_s: float | None) -> dict:
    """Wall seconds of ``openscad -o X.stl X.scad``: a first run, then ``runs - 1`` more if it took < 60 s.
    With ``timeout_s``, a run still going after that long is killed and reported as timed out."""
    stl = scad.with_suffix(".stl")

    def run() -> float | None:
        start = time.perf_counter()
        try:
            done = subprocess.run([openscad, "-o", str(stl), str(scad)], capture_output=True, text=True,
                                  timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"openscad failed on {scad.name}: {done.stderr[-2000:]}")
        return seconds

    first = run()
    if first is None:
        return {"seconds": None, "timed_out": True, "timeout_seconds": timeout_s, "runs": 1, "stl": None}
    times = [first] + ([run() for _ in range(runs - 1)] if first < 60 else [])  # once if it takes minutes
    times = [t for t in times if t is not None]
    return {"seconds": statistics.median(times), "timed_out": False, "timeout_seconds": timeout_s,
            "runs": len(times), "stl": stl}


def openscad_bench(parts: dict, params, runs: int, workdir: Path, timeout_s: float = 600.0) -> dict:
    openscad = shutil.which("openscad")
    if openscad is None:
        return {"error": "openscad is not installed"}
    version = subprocess.run([openscad, "--version"], capture_output=True, text=True)
    model = sole_model(parts, params)
    ours_shoe = median_seconds(lambda: build("shoe", params), 3, warm_up=False)
    result = {
        "openscad": (version.stderr or version.stdout).strip(),
        "outline_points": len(model["outline"].exterior.coords) - 1,
        "lattice_holes": len(model["holes"]),
        "tread_grooves": len(model["grooves"]),
        "ours_whole_shoe_seconds": ours_shoe,
        "generated_sole_volume_mm3": float(parts["midsole"].volume + parts["outsole"].volume),
    }
    # model 1, hand-optimised (multi-path polygons); the un-prefixed keys are kept from earlier versions
    scad = workdir / "sole_multipath.scad"
    scad.write_text(sole_scad(model))
    print(f"sole: OpenSCAD, multi-path model {scad} ...", file=sys.stderr)
    timed = _openscad_times(openscad, scad, runs, None)
    ours_csg = median_seconds(lambda: sole_manifold(model), 5)
    scad_mesh = trimesh.load_mesh(timed["stl"])
    result.update({
        "scad_file": str(scad),
        "runs": timed["runs"],
        "openscad_seconds": timed["seconds"],
        "ours_same_csg_seconds": ours_csg,
        "ratio_vs_same_csg": timed["seconds"] / ours_csg,
        "ratio_vs_whole_shoe": timed["seconds"] / ours_shoe,
        "openscad_volume_mm3": float(scad_mesh.volume),
        "same_csg_volume_mm3": float(sole_manifold(model).volume()),
        "openscad_triangles": len(scad_mesh.faces),
    })
    # model 2, natural CSG (one extruded solid per hole / groove)
    scad = workdir / "sole_natural.scad"
    scad.write_text(sole_scad_natural(model))
    print(f"sole: OpenSCAD, natural-CSG model {scad} (timeout {timeout_s:g} s) ...", file=sys.stderr)
    timed = _openscad_times(openscad, scad, runs, timeout_s)
    ours_natural = median_seconds(lambda: sole_manifold_natural(model), 5)
    # timed out: OpenSCAD took more than the timeout, so the ratios are lower bounds
    openscad_s = timed["timeout_seconds"] if timed["timed_out"] else timed["seconds"]
    result.update({
        "natural_scad_file": str(scad),
        "natural_runs": timed["runs"],
        "natural_openscad_timed_out": timed["timed_out"],
        "natural_openscad_timeout_seconds": timed["timeout_seconds"],
        "natural_openscad_seconds": timed["seconds"],  # None when timed out
        "ours_natural_csg_seconds": ours_natural,
        "natural_ratio_vs_same_csg": openscad_s / ours_natural,
        "natural_ratio_vs_whole_shoe": openscad_s / ours_shoe,
        "natural_ratios_are_lower_bounds": timed["timed_out"],
        "natural_same_csg_volume_mm3": float(sole_manifold_natural(model).volume()),
    })
    if not timed["timed_out"]:
        natural_mesh = trimesh.load_mesh(timed["stl"])
        result.update({"natural_openscad_volume_mm3": float(natural_mesh.volume),
                       "natural_openscad_triangles": len(natural_mesh.faces)})
    return result


# ---------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip OpenSCAD")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--openscad-timeout", type=float, default=600.0,
                        help="seconds before OpenSCAD is stopped on the natural-CSG sole (default 600)")
    args = parser.parse_args()
    foot = FEET["right"]
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "renderer": None}, "products": {}}
    results["machine"]["renderer"] = render.backend("auto")
    if results["machine"]["renderer"] == "gl":
        from geometry import render_gl
        results["machine"]["gl"] = render_gl.available()

    shoe_parts = shoe_params = None
    for key in registry.product_keys():
        params = registry.parse(key, options={}, foot=foot, side="right")
        parts = build(key, params)
        if key == "shoe":
            shoe_parts, shoe_params = parts, params
        print(f"{key}: building ...", file=sys.stderr)
        entry = {
            # the whole product: its parts are not timed apart (booleans are evaluated together)
            "build_seconds": median_seconds(lambda: build(key, params), args.runs, warm_up=False),
            "build_seconds_scope": "whole product, all parts together" if len(parts) > 1 else "whole product",
            "triangles": {name: len(mesh.faces) for name, mesh in parts.items()},
            "preview_seconds": preview_times(colours(key, params, parts), args.runs),
            "export_seconds": {kind: median_seconds(call, args.runs) for kind, call in
                               exporters(key, params, parts).items()},
        }
        results["products"][key] = entry

    torus = trimesh.creation.torus(80, 25, major_sections=500, minor_sections=100)
    results["mesh_100k"] = {"triangles": len(torus.faces), "preview_seconds": preview_times(torus, args.runs)}
    # png(): the Pillow three-quarter view (stored previews) of a 30k-triangle mesh, once a test's budget (~0.3 s)
    sphere = trimesh.creation.icosphere(subdivisions=6, radius=50.0)
    sphere = trimesh.Trimesh(sphere.vertices, sphere.faces[:30_000], process=False)
    results["png_30k"] = {"triangles": len(sphere.faces), "seconds": median_seconds(lambda: render.png(sphere),
                                                                                     args.runs)}

    if not args.quick and shoe_parts is not None and "midsole" in shoe_parts:
        workdir = Path(tempfile.mkdtemp(prefix="bench_geometry_"))
        results["sole_vs_openscad"] = openscad_bench(shoe_parts, shoe_params, 3, workdir, args.openscad_timeout)

    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nwritten {args.json}")


def _ms(seconds) -> str:
    return "-" if seconds is None else f"{1000 * seconds:9.1f}"


def print_table(results: dict) -> None:
    machine = results["machine"]
    print(f"\nPython {machine['python']}, {machine['cpus']} CPUs, preview backend (auto): {machine['renderer']}"
          + (f" [{machine['gl']}]" if machine.get("gl") else ""))
    print("Medians in milliseconds.\n")
    rows = []
    for key, entry in results["products"].items():
        triangles = entry["triangles"]
        detail = ", ".join(f"{name} {count:,}" for name, count in triangles.items())
        if len(triangles) > 1:
            label = f"{key}: build, whole product ({len(triangles)} parts)"
            note = (f"{sum(triangles.values()):,} triangles ({detail}); "
                    "no per-part times: booleans are evaluated together")
        else:
            label, note = f"{key}: build, whole product", f"{sum(triangles.values()):,} triangles"
        rows.append((label, _ms(entry["build_seconds"]), note))
        for renderer, times in entry["preview_seconds"].items():
            if "error" in times:
                rows.append((f"{key}: preview {renderer}", "-", times["error"]))
                continue
            for label, seconds in times.items():
                rows.append((f"{key}: preview {renderer} {label}", _ms(seconds), ""))
        for kind, seconds in entry["export_seconds"].items():
            rows.append((f"{key}: export {kind}", _ms(seconds), "all parts" if kind == "stl" else ""))
    mesh = results["mesh_100k"]
    for renderer, times in mesh["preview_seconds"].items():
        for label, seconds in ({"": None} if "error" in times else times).items():
            rows.append((f"torus {mesh['triangles']:,} tri: preview {renderer} {label}", _ms(seconds), ""))
    if "png_30k" in results:
        rows.append((f"png() Pillow {results['png_30k']['triangles']:,} tri 640x480",
                     _ms(results["png_30k"]["seconds"]), "the stored preview's renderer"))
    width = max(len(row[0]) for row in rows)
    print(f"{'what':<{width}}  {'ms':>9}  notes")
    print("-" * (width + 30))
    for what, ms, notes in rows:
        print(f"{what:<{width}}  {ms}  {notes}")

    sole = results.get("sole_vs_openscad")
    if sole is None:
        return
    print("\nThe shoe's sole (midsole + outsole) by OpenSCAD vs ours")
    print("-" * 60)
    if "error" in sole:
        print(sole["error"])
        return
    print(f"{sole['openscad']}; outline {sole['outline_points']} points, {sole['lattice_holes']} lattice holes, "
          f"{sole['tread_grooves']} tread grooves")
    print(f"ours: the whole shoe build (3 parts)               {_ms(sole['ours_whole_shoe_seconds'])} ms"
          "  (upper bound for our sole)")
    print(f"\n1) hand-optimised model, holes and grooves as ONE multi-path polygon each: {sole['scad_file']}")
    print(f"   openscad                                        {_ms(sole['openscad_seconds'])} ms"
          f"  (median of {sole['runs']})")
    print(f"   ours: manifold3d, the same CSG                  {_ms(sole['ours_same_csg_seconds'])} ms")
    print(f"   ratio openscad / ours (same CSG)                {sole['ratio_vs_same_csg']:9.1f}")
    print(f"   ratio openscad sole / our whole shoe            {sole['ratio_vs_whole_shoe']:9.1f}")
    print(f"\n2) natural CSG, one extruded solid per hole and per groove: {sole['natural_scad_file']}")
    bound = ">" if sole["natural_ratios_are_lower_bounds"] else " "
    if sole["natural_openscad_timed_out"]:
        print(f"   openscad                                        "
              f"> timeout ({sole['natural_openscad_timeout_seconds']:g} s, stopped)")
    else:
        print(f"   openscad                                        {_ms(sole['natural_openscad_seconds'])} ms"
              f"  (median of {sole['natural_runs']})")
    print(f"   ours: manifold3d, the same CSG                  {_ms(sole['ours_natural_csg_seconds'])} ms")
    for label, ratio in (("ratio openscad / ours (same CSG)      ", sole["natural_ratio_vs_same_csg"]),
                         ("ratio openscad sole / our whole shoe  ", sole["natural_ratio_vs_whole_shoe"])):
        figure = f"{bound.strip()} {ratio:.1f}".strip()
        print(f"   {label}          {figure:>9}" + ("  (lower bound: openscad was stopped)" if bound == ">" else ""))
    natural = (f"{sole['natural_openscad_volume_mm3']:.0f}" if "natural_openscad_volume_mm3" in sole else "-")
    print(f"\nvolumes mm3: multi-path openscad {sole['openscad_volume_mm3']:.0f}, same CSG "
          f"{sole['same_csg_volume_mm3']:.0f}; natural openscad {natural}, same CSG "
          f"{sole['natural_same_csg_volume_mm3']:.0f}; generated (sprung, heel rise) "
          f"{sole['generated_sole_volume_mm3']:.0f}")

if __name__ == "__main__":
    main()
