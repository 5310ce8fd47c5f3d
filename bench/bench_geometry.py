"""
Geometry timings without the web stack: build, preview (GL and Pillow), export, and the shoe's sole
against OpenSCAD doing the same constructive solid geometry.

For the default shoe and insole of the right foot in bench/feet.json it prints a table of medians:
build time per product (and the triangles of each part), preview time per renderer at 640x480 and
1024x768 (plus a 100k-triangle torus), export time (3MF, STL, GLB). Then it writes sole.scad, an
equivalent of the shoe's sole (midsole + outsole) built from the generated meshes: the sole outline
extruded to the outsole and midsole heights, minus the lattice holes (through the midsole) and the tread
grooves (under the outsole), each as linear_extrude of polygons inside difference(); it times
`openscad -o sole.stl sole.scad` and prints openscad_seconds / our_seconds for that sole, where ours is
manifold3d (the generator's engine) running the very CSG of the .scad file in-process; the generator's
own sole cannot be timed alone (manifold3d evaluates lazily, at the end of the whole build), so the
whole shoe's build is printed next to it as an upper bound. Asserts nothing about time.

    .venv/bin/python bench/bench_geometry.py [--quick] [--runs 5] [--json out.json]
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

from configurator.geometry import export, registry, render  # noqa: E402

FEET = json.loads((BASE_DIR / "bench" / "feet.json").read_text())
SIZES = {"640x480": (640, 480), "1024x768": (1024, 768)}


def median_seconds(function, runs: int, warm_up: bool = True) -> float:
    """Median wall time of ``runs`` calls (after one untimed call)."""
    if warm_up:
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
        os.environ["SARTORIA_RENDERER"] = renderer
        try:
            render.backend()
        except render.RendererUnavailable as error:
            result[renderer] = {"error": str(error)}
            continue
        times = {name: median_seconds(lambda: render.views(scene, size=size, angles=("three_quarter",)), runs)
                 for name, size in SIZES.items()}
        times["4 views 640x480"] = median_seconds(lambda: render.views(scene, size=(640, 480)), runs)
        result[renderer] = times
    os.environ.pop("SARTORIA_RENDERER", None)
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
    from configurator.geometry import shoe

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
    """OpenSCAD source: (outsole minus grooves) + (midsole minus lattice holes)."""
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


def sole_manifold(model: dict) -> manifold3d.Manifold:
    """The CSG of :func:`sole_scad`, with manifold3d in this process."""
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


def openscad_bench(parts: dict, params, runs: int, workdir: Path) -> dict:
    openscad = shutil.which("openscad")
    if openscad is None:
        return {"error": "openscad is not installed"}
    version = subprocess.run([openscad, "--version"], capture_output=True, text=True)
    model = sole_model(parts, params)
    scad = workdir / "sole.scad"
    scad.write_text(sole_scad(model))
    stl = workdir / "sole.stl"

    def run() -> float:
        start = time.perf_counter()
        done = subprocess.run([openscad, "-o", str(stl), str(scad)], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"openscad failed: {done.stderr[-2000:]}")
        return seconds

    first = run()
    times = [first] + ([run() for _ in range(runs - 1)] if first < 60 else [])  # once if it takes minutes
    openscad_s = statistics.median(times)
    ours_csg = median_seconds(lambda: sole_manifold(model), 5)
    ours_shoe = median_seconds(lambda: build("shoe", params), 3, warm_up=False)
    scad_mesh = trimesh.load_mesh(stl)
    manifold_mesh = sole_manifold(model).to_mesh()
    return {
        "openscad": (version.stderr or version.stdout).strip(),
        "scad_file": str(scad),
        "runs": len(times),
        "outline_points": len(model["outline"].exterior.coords) - 1,
        "lattice_holes": len(model["holes"]),
        "tread_grooves": len(model["grooves"]),
        "openscad_seconds": openscad_s,
        "ours_same_csg_seconds": ours_csg,
        "ours_whole_shoe_seconds": ours_shoe,
        "ratio_vs_same_csg": openscad_s / ours_csg,
        "ratio_vs_whole_shoe": openscad_s / ours_shoe,
        "openscad_volume_mm3": float(scad_mesh.volume),
        "same_csg_volume_mm3": float(manifold3d.Manifold(manifold_mesh).volume()),
        "generated_sole_volume_mm3": float(parts["midsole"].volume + parts["outsole"].volume),
        "openscad_triangles": len(scad_mesh.faces),
    }


# ---------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip OpenSCAD")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    foot = FEET["right"]
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "renderer": None}, "products": {}}
    os.environ["SARTORIA_RENDERER"] = "auto"
    results["machine"]["renderer"] = render.backend()
    if results["machine"]["renderer"] == "gl":
        from configurator.geometry import render_gl
        results["machine"]["gl"] = render_gl.available()

    shoe_parts = shoe_params = None
    for key in registry.product_keys():
        params = registry.parse(key, options={}, foot=foot, side="right")
        parts = build(key, params)
        if key == "shoe":
            shoe_parts, shoe_params = parts, params
        print(f"{key}: building ...", file=sys.stderr)
        entry = {
            "build_seconds": median_seconds(lambda: build(key, params), args.runs, warm_up=False),
            "triangles": {name: len(mesh.faces) for name, mesh in parts.items()},
            "preview_seconds": preview_times(colours(key, params, parts), args.runs),
            "export_seconds": {kind: median_seconds(call, args.runs) for kind, call in
                               exporters(key, params, parts).items()},
        }
        results["products"][key] = entry

    torus = trimesh.creation.torus(80, 25, major_sections=500, minor_sections=100)
    results["mesh_100k"] = {"triangles": len(torus.faces), "preview_seconds": preview_times(torus, args.runs)}

    if not args.quick and shoe_parts is not None and "midsole" in shoe_parts:
        print("sole: OpenSCAD ...", file=sys.stderr)
        workdir = Path(tempfile.mkdtemp(prefix="bench_geometry_"))
        results["sole_vs_openscad"] = openscad_bench(shoe_parts, shoe_params, 3, workdir)

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
        rows.append((f"{key}: build", _ms(entry["build_seconds"]), f"{sum(triangles.values()):,} triangles ({detail})"))
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
    print(f"{sole['openscad']}; model {sole['scad_file']}")
    print(f"outline {sole['outline_points']} points, {sole['lattice_holes']} lattice holes, "
          f"{sole['tread_grooves']} tread grooves")
    print(f"openscad -o sole.stl sole.scad      {_ms(sole['openscad_seconds'])} ms  (median of {sole['runs']})")
    print(f"ours: manifold3d, the same CSG      {_ms(sole['ours_same_csg_seconds'])} ms"
          f"  ratio openscad/ours = {sole['ratio_vs_same_csg']:.1f}")
    print(f"ours: the whole shoe (3 parts)      {_ms(sole['ours_whole_shoe_seconds'])} ms"
          f"  ratio openscad sole / our whole shoe = {sole['ratio_vs_whole_shoe']:.1f}")
    print(f"volumes mm3: openscad {sole['openscad_volume_mm3']:.0f}, same CSG {sole['same_csg_volume_mm3']:.0f}, "
          f"generated (sprung, heel rise) {sole['generated_sole_volume_mm3']:.0f}")


if __name__ == "__main__":
    main()
