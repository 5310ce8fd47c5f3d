"""
Our print-time and grams estimate against PrusaSlicer, part by part: each part sliced alone with the printer's
profile (geometry/slicer_profiles/<printer>.ini), TPU 95A.

    .venv/bin/python bench/bench_slicer_estimate.py [--printer prusa_xl] [--json rows.json]

Prints a Markdown table: the slicer's hours and grams, the estimate before calibration (solid grams; the
two-term time model with its first constants) and after (geometry.printability as it is now), with the
deviation of each. ``--json`` reuses rows sliced before (the slicing takes 2-3 minutes per printer).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from geometry import export, registry  # noqa: E402
from geometry.materials import MATERIALS  # noqa: E402
from geometry.printability import print_seconds, printed_volume_mm3, through_holes  # noqa: E402
from geometry.printers import PRINTER_PROFILES  # noqa: E402

EXAMPLE_FOOT = {"length_mm": 265.0, "ball_width_mm": 100.0, "ball_girth_mm": 250.0, "instep_girth_mm": 255.0,
                "heel_width_mm": 70.0, "arch_height_mm": 18.0}
SMALL_FOOT = {"length_mm": 225.0, "ball_width_mm": 88.0, "ball_girth_mm": 222.0, "instep_girth_mm": 228.0,
              "heel_width_mm": 60.0, "arch_height_mm": 15.0}
PRODUCTS = (("default", "shoe", EXAMPLE_FOOT, {}), ("default", "insole", EXAMPLE_FOOT, {}),
            ("small-solid", "shoe", SMALL_FOOT, {"midsole": "solid"}), ("small", "insole", SMALL_FOOT, {}))
# the first model's constants (before this calibration): flow / overhead and a fixed time per layer
BEFORE = {"prusa_xl": (4.0, 1.3, 3.0), "large_format_fdm": (5.0, 1.3, 4.0), "prusa_mk4": (3.5, 1.3, 3.0),
          "bambu_x1": (4.0, 1.25, 3.0)}
DENSITY = MATERIALS["tpu_95a"]["density_g_cm3"]


def parts():
    for label, key, foot, options in PRODUCTS:
        params = registry.parse(key, options=options, foot=foot, side="left")
        for part, mesh in registry.build_parts(key, params).items():
            yield f"{label}-{key}-{part}", mesh


def slice_rows(printer: str) -> list[dict]:
    from production import slicer

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, mesh in parts():
            path = Path(folder) / f"{name}.stl"
            path.write_bytes(export.to_stl(mesh))
            result = slicer.slice_file(path, printer_key=printer, material="tpu_95a")
            rows.append({"part": name, "seconds": result.seconds, "grams": result.grams})
    return rows


def table(printer: str, rows: list[dict]) -> str:
    profile = PRINTER_PROFILES[printer]
    meshes = dict(parts())
    flow, overhead, layer_s = BEFORE[printer]
    lines = [f"**{profile.label}** (`{printer}`)", "",
             "| part | slicer h | before h | after h | slicer g | before g | after g |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        mesh = meshes[row["part"]]
        layers = math.ceil(mesh.extents[2] / profile.layer_height_mm)
        before_s = mesh.volume / flow * overhead + layers * layer_s
        before_g = mesh.volume / 1000 * DENSITY
        after_s = print_seconds(volume_mm3=mesh.volume, height_mm=float(mesh.extents[2]), profile=profile,
                                material="tpu_95a", area_mm2=mesh.area, holes=through_holes(mesh))
        after_g = printed_volume_mm3(volume_mm3=mesh.volume, area_mm2=mesh.area, profile=profile) / 1000 * DENSITY

        def dev(value, reference):
            return f"{value:.1f} ({value / reference - 1:+.0%})"

        lines.append(f"| {row['part']} | {row['seconds'] / 3600:.1f} | {dev(before_s / 3600, row['seconds'] / 3600)} | "
                     f"{dev(after_s / 3600, row['seconds'] / 3600)} | {row['grams']:.0f} | "
                     f"{dev(before_g, row['grams'])} | {dev(after_g, row['grams'])} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--printer", default="prusa_xl", choices=list(BEFORE))
    parser.add_argument("--json", type=Path, help="rows sliced before (list of {part, seconds, grams})")
    args = parser.parse_args()
    rows = json.loads(args.json.read_text()) if args.json else slice_rows(args.printer)
    print(table(args.printer, rows))


if __name__ == "__main__":
    main()
