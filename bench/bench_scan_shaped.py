"""
Products shaped by a scanned foot (geometry.last_from_scan) against the parametric products of the same six
measurements: build time, and the fit on the scan region by region.

For each real scan in tests/data (FIND 0015-A, Foot3D 0044 laser and its COLMAP twin) and a few ANSUR feet's
avatars scanned (measured as an upload would be), the scan is measured, then the default shoe and insole are
built from its measurements twice: parametric (from the six numbers) and shaped by the scan. Prints the build
times (median / min over --runs taken in turns, after one untimed warm-up each) with their ratio, and a
markdown table of the fit check on the scan (value in mm and status per region) with the parametric product
and with the shaped one. Asserts nothing; the target is a shaped build within 1.5x of the parametric one.

    .venv/bin/python bench/bench_scan_shaped.py [--runs 5] [--avatars 3] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

import numpy as np
import trimesh

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from geometry import registry  # noqa: E402
from geometry.avatar import foot_avatar  # noqa: E402
from geometry.fit import fit_check  # noqa: E402
from geometry.foot import MEASUREMENT_RANGES_MM, FootMeasurements  # noqa: E402
from geometry.scan import scan_measure  # noqa: E402
from _timing import run_times  # noqa: E402  (bench/ is on the path when a bench runs)
from tests.datafiles import ANSUR_CSV, FIND_0015A, SCAN_0044_COLMAP, SCAN_0044_LASER  # noqa: E402

REAL_SCANS = {"FIND 0015-A": FIND_0015A, "Foot3D 0044 laser": SCAN_0044_LASER,
              "Foot3D 0044 COLMAP": SCAN_0044_COLMAP}
SHORT = {"toe": "toe", "ball_medial": "ball in", "ball_lateral": "ball out", "heel": "heel", "instep": "instep",
         "arch": "arch"}


def ansur_feet(count: int) -> list[tuple[str, dict]]:
    """``count`` ANSUR II subjects spread over the foot lengths (instep girth 0.75 x heel-ankle girth, arch 18 mm)."""
    import csv

    with ANSUR_CSV.open(newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: float(row["footlength"]))
    picked = [rows[int(i)] for i in np.linspace(0, len(rows) - 1, count + 2)[1:-1]]
    return [(f"ANSUR avatar {float(row['footlength']):.0f} mm",
             {"length_mm": float(row["footlength"]), "ball_width_mm": float(row["footbreadthhorizontal"]),
              "ball_girth_mm": float(row["balloffootcircumference"]), "heel_width_mm": float(row["heelbreadth"]),
              "instep_girth_mm": round(0.75 * float(row["heelanklecircumference"]), 1), "arch_height_mm": 18.0})
            for row in picked]


def timed_pair(parametric, shaped, runs: int) -> dict:
    """Both builds timed in turns (after one warm-up each), so that the machine's other load hits both alike."""
    run_times(parametric, 0)
    run_times(shaped, 0)
    times = {"parametric": [], "shaped": []}
    for _ in range(runs):
        times["parametric"] += run_times(parametric, 1, warm_up=False)
        times["shaped"] += run_times(shaped, 1, warm_up=False)
    return {name: {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": runs}
            for name, values in times.items()}


def regions_cell(check: dict) -> str:
    """'toe 7.9 · ball in 1.8 · ... ' with tight/loose regions in bold."""
    cells = []
    for name, region in check["regions"].items():
        text = f"{SHORT[name]} {region['value_mm']:+.1f}"
        cells.append(f"**{text} {region['status']}**" if region["status"] != "ok" else text)
    return " · ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed builds per figure")
    parser.add_argument("--avatars", type=int, default=3, help="ANSUR feet's avatars scanned, besides the real scans")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    scans = {name: trimesh.load(path, process=False) for name, path in REAL_SCANS.items() if path.exists()}
    for name, foot in ansur_feet(args.avatars):
        scans[name] = foot_avatar(FootMeasurements.from_dict(foot), "right")
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}, "timings": {}, "fit": {}}
    rows = []
    for name, mesh in scans.items():
        measured = scan_measure(mesh)
        foot = {key: measured.measurements[key] for key in MEASUREMENT_RANGES_MM}
        for key in registry.product_keys():
            params = registry.parse(key, options={}, foot=foot, side=measured.side)
            before = fit_check(key, params, measured.foot, heatmap=False)
            after = fit_check(key, params, measured.foot, shaped_by=measured.foot, heatmap=False)
            results["fit"][f"{name} {key}"] = {"parametric": before["regions"], "shaped": after["regions"]}
            rows.append((name, key, before, after))
            if name in REAL_SCANS or name == next(n for n in scans if n not in REAL_SCANS):
                results["timings"][f"{name} {key}"] = timed_pair(
                    lambda: registry.build_parts(key, params),
                    lambda: registry.build_parts(key, params, foot_mesh=measured.foot), args.runs)
    print(f"\nPython {results['machine']['python']}, {results['machine']['cpus']} CPUs. Build (registry.build_parts),"
          " milliseconds.\n")
    width = max(len(name) for name in results["timings"])
    print("Ratios shaped / parametric; the machine is shared, so the minimum is the steadier figure.\n")
    heads = ("parametric median / min", "shaped median / min", "ratio median / min")
    print(f"{'what':<{width}}  {heads[0]:>23}  {heads[1]:>19}  {heads[2]:>18}")
    for name, pair in results["timings"].items():
        p, q = pair["parametric"], pair["shaped"]
        print(f"{name:<{width}}  {1000 * p['median']:14.0f} / {1000 * p['min']:5.0f}  {1000 * q['median']:10.0f} / "
              f"{1000 * q['min']:5.0f}  {q['median'] / p['median']:11.2f} / {q['min'] / p['min']:4.2f}")
    print("\n| Foot | Product | Parametric (from the six numbers) | Shaped by the scan |")
    print("|---|---|---|---|")
    for name, key, before, after in rows:
        print(f"| {name} | {key} | {before['verdict']}: {regions_cell(before)} | "
              f"{after['verdict']}: {regions_cell(after)} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=float))
        print(f"\nwritten {args.json}")


if __name__ == "__main__":
    main()
