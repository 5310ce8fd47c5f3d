"""
Our print-time and grams estimate against PrusaSlicer.

Part by part: each part sliced alone with the printer's profile (geometry/slicer_profiles/<printer>.ini), TPU 95A:

    .venv/bin/python bench/bench_slicer_estimate.py [--printer prusa_xl] [--json rows.json]

Plates as production exports them (parts with their codes embossed, packed by geometry.packing, written by
geometry.plate_export.plate_3mf), on each farm FDM printer, in each material the products offer for filament:

    .venv/bin/python bench/bench_slicer_estimate.py --plates --save plates.json [--plate-printers ...] [--materials ...]
    .venv/bin/python bench/bench_slicer_estimate.py --plates --json plates.json     # the table again, no slicing

Prints a Markdown table: the slicer's hours and grams, the estimate before calibration and after (geometry.printability
as it is now), with the deviation of each. ``--json`` reuses rows sliced before (the parts take 2-3 minutes per
printer; a shoe plate takes PrusaSlicer 2-3 minutes on two shared cores). ``--save`` keeps each plate's row as it is
sliced and skips those already there, so an interrupted run resumes.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from geometry import export, registry  # noqa: E402
from geometry.materials import MATERIALS  # noqa: E402
from geometry.printability import (part_figures, part_shape, plate_print_seconds, print_seconds,  # noqa: E402
                                   printed_volume_mm3, through_holes)
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


# ---- plates as exported ----------------------------------------------------------------------------------
PART_LETTERS = {"upper": "UP", "midsole": "MS", "outsole": "OS", "insole": "IN"}
# the farm's FDM printers (production.services.planning.printer_farm_demo_load) and the parts each slices:
# the XL a pair of shoes and insoles of the typical foot; the smaller beds one side of a 225 mm foot
PLATE_CASES = {
    "prusa_xl": (EXAMPLE_FOOT, ("left", "right"), ("shoe", "insole")),
    "prusa_mk4": (SMALL_FOOT, ("left",), ("shoe", "insole")),
    "bambu_x1": (SMALL_FOOT, ("left",), ("shoe", "insole")),
}
# every material the products offer that a filament printer prints (nylon_pa12 is for the SLS printer)
PLATE_MATERIALS = ("tpu_95a", "tpu_85a", "pla", "petg")


def embossed_parts(foot: dict, sides: tuple, products: tuple) -> list[tuple[str, str, object, str]]:
    """(code, part, mesh with its code cut in, colour) of each product's parts per side, as production prints them."""
    from geometry.traceability import code_emboss

    found = []
    for number, side in enumerate(sides, start=1):
        for key in products:
            params = registry.parse(key, options={}, foot=foot, side=side)
            colours = registry.part_materials(key, params)
            for part, mesh in registry.build_parts(key, params).items():
                code = f"S{41 + number:04d}-{PART_LETTERS[part]}-{side[0].upper()}"
                found.append((code, part, code_emboss(mesh, code, part=part), colours[part]["color"]))
    return found


def plates_of(printer: str):
    """The printer's plates as packed (geometry.packing) and exported (geometry.plate_export.plate_3mf)."""
    from geometry import packing

    profile = PRINTER_PROFILES[printer]
    parts = {code: (part, mesh, colour) for code, part, mesh, colour in embossed_parts(*PLATE_CASES[printer])}
    layouts = packing.pack([packing.PackPart(code, packing.footprint(mesh)) for code, (_, mesh, _) in parts.items()],
                           bed_mm=profile.bed_mm)
    return [[(p.key, parts[p.key][0], packing.place_mesh(parts[p.key][1], p), parts[p.key][2])
             for p in layout.placements] for layout in layouts]


def slice_plates(printers, materials, save: Path, only: set[int] | None = None) -> list[dict]:
    """Slice every plate of each printer in each material, one slicer at a time; rows are saved as they come."""
    from geometry.plate_export import PlateObject, plate_3mf
    from production import slicer

    rows = json.loads(save.read_text()) if save.exists() else []
    done = {(row["printer"], row["material"], row["plate"]) for row in rows}
    with tempfile.TemporaryDirectory() as folder:
        for printer in printers:
            plates = plates_of(printer)
            for material in materials:
                for index, placed in enumerate(plates):
                    if (printer, material, index) in done or (only and index not in only):
                        continue
                    objects = [PlateObject(name=f"{code} {part}", code=code, mesh=mesh, material=material,
                                           color=colour) for code, part, mesh, colour in placed]
                    path = Path(folder) / f"{printer}-{material}-plate-{index}.3mf"
                    path.write_bytes(plate_3mf(objects, printer_key=printer, plate_name=path.stem))
                    started = time.perf_counter()
                    result = slicer.slice_file(path, printer_key=printer, material=material)
                    rows.append({"printer": printer, "material": material, "plate": index,
                                 "parts": [{"code": code, "part": part, **part_shape(mesh)}
                                           for code, part, mesh, _ in placed],
                                 "seconds": result.seconds, "grams": result.grams,
                                 "slice_wall_s": round(time.perf_counter() - started, 1)})
                    save.write_text(json.dumps(rows, indent=1))
                    print(f"{printer} {material} plate {index}: {len(objects)} parts, slicer "
                          f"{result.seconds / 3600:.2f} h {result.grams:.0f} g "
                          f"({rows[-1]['slice_wall_s']} s to slice)", file=sys.stderr, flush=True)
    return rows


# the constants before issue 15's calibration (rigid filament was then estimated at its melt flow, 15 mm³/s, while
# the profiles print it at TPU's speeds)
BEFORE_ISSUE_15 = {"prusa_xl": {"travel_overhead": 1.6, "speed_flow_mm3_s": None},
                   "prusa_mk4": {"travel_overhead": 1.6, "speed_flow_mm3_s": None},
                   "bambu_x1": {"travel_overhead": 1.6, "speed_flow_mm3_s": None}}


def old_plate_seconds(parts: list[dict], profile, material: str) -> float:
    """What plate planning said before issue 15: solid volume / flow x bulk overhead, plus the tallest part's layers."""
    extrusion = sum(part["volume_mm3"] / profile.flow_mm3_s(material) * profile.bulk_overhead for part in parts)
    tallest = max(part["height_mm"] for part in parts)
    return extrusion + math.ceil(tallest / profile.layer_height_mm) * profile.layer_change_s


def plate_estimate(parts: list[dict], profile, material: str) -> tuple[float, float]:
    """(seconds, grams) of a plate: geometry.printability.part_figures of each part, added up."""
    figures = [part_figures(**{k: part[k] for k in ("volume_mm3", "area_mm2", "height_mm", "holes")},
                            profile=profile, material=material) for part in parts]
    return (plate_print_seconds(f["print_minutes"] * 60.0 for f in figures), sum(f["grams"] for f in figures))


def plates_table(rows: list[dict]) -> str:
    """Markdown: each plate's slicer figures against the estimates before and after issue 15."""
    def dev(value, reference):
        return f"{value:.1f} ({value / reference - 1:+.0%})"

    lines = ["| printer | material | plate | slicer h | planning before h | calibrated before h | after h | "
             "slicer g | before g | after g |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    worst = {"planning": 0.0, "before": 0.0, "after": 0.0}
    for row in sorted(rows, key=lambda r: (list(PLATE_CASES).index(r["printer"]),
                                           PLATE_MATERIALS.index(r["material"]), r["plate"])):
        profile = PRINTER_PROFILES[row["printer"]]
        before_profile = dataclasses.replace(profile, **BEFORE_ISSUE_15.get(row["printer"], {}))
        slicer_h, slicer_g = row["seconds"] / 3600, row["grams"]
        old_h = old_plate_seconds(row["parts"], before_profile, row["material"]) / 3600
        before_s, before_g = plate_estimate(row["parts"], before_profile, row["material"])
        after_s, after_g = plate_estimate(row["parts"], profile, row["material"])
        worst["planning"] = max(worst["planning"], abs(old_h / slicer_h - 1))
        worst["before"] = max(worst["before"], abs(before_s / row["seconds"] - 1), abs(before_g / slicer_g - 1))
        worst["after"] = max(worst["after"], abs(after_s / row["seconds"] - 1), abs(after_g / slicer_g - 1))
        counts = {}
        for part in row["parts"]:
            counts[part["part"]] = counts.get(part["part"], 0) + 1
        content = ", ".join(f"{n} {name}{'s' if n > 1 else ''}" for name, n in counts.items())
        lines.append(f"| {profile.key} | {MATERIALS[row['material']]['label'].split(' (')[0]} | {row['plate']} "
                     f"({content}) | {slicer_h:.1f} | {dev(old_h, slicer_h)} | {dev(before_s / 3600, slicer_h)} | "
                     f"{dev(after_s / 3600, slicer_h)} | {slicer_g:.0f} | {dev(before_g, slicer_g)} | "
                     f"{dev(after_g, slicer_g)} |")
    lines += ["", f"Largest deviation from the slicer: planning before {worst['planning']:.0%} (time), calibrated "
                  f"before {worst['before']:.0%}, after {worst['after']:.0%} (time or grams)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--printer", default="prusa_xl", choices=list(BEFORE))
    parser.add_argument("--json", type=Path, help="rows sliced before (list of {part, seconds, grams})")
    parser.add_argument("--plates", action="store_true", help="plates as exported, every farm printer and material")
    parser.add_argument("--plate-printers", nargs="*", default=list(PLATE_CASES))
    parser.add_argument("--materials", nargs="*", default=list(PLATE_MATERIALS))
    parser.add_argument("--save", type=Path, help="--plates: rows file, kept and resumed")
    parser.add_argument("--only-plates", nargs="*", type=int, help="--plates: slice only these plate numbers")
    args = parser.parse_args()
    if args.plates:
        rows = (json.loads(args.json.read_text()) if args.json else
                slice_plates(args.plate_printers, args.materials, args.save or Path("slicer-plates.json"),
                             set(args.only_plates or ())))
        print(plates_table(rows))
        return
    rows = json.loads(args.json.read_text()) if args.json else slice_rows(args.printer)
    print(table(args.printer, rows))


if __name__ == "__main__":
    main()
