"""
Fit-check timings without the web stack: `fit.fit_check` for the default shoe and the default insole of
the right foot in bench/feet.json, against the foot's avatar, heat map included (what a revision pays),
plus the pieces: the avatar alone, the check without the heat map, the check on the avatar subdivided to
~20k vertices (as many as a scan; it used to be asserted < 1 s in the tests), and the size recommendation.
With --scan, the same checks against the real Foot3D scan 0044 (43,876 vertices, in mm) as the foot, and the
check of a product shaped by that scan (measured and cleaned as an upload is) on it.

Prints median / min / max in milliseconds over --runs (after one untimed warm-up run, which also creates
the GL context). Asserts nothing about time; the target is < 1 s per side and revision.

    .venv/bin/python bench/bench_fit.py [--runs 10] [--scan] [--png-dir /tmp] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

import trimesh

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from geometry import registry, render  # noqa: E402
from geometry.avatar import foot_avatar  # noqa: E402
from geometry.fit import fit_check  # noqa: E402
from geometry.foot import MEASUREMENT_RANGES_MM  # noqa: E402
from geometry.scan import scan_measure  # noqa: E402
from geometry.sizing import size_recommend  # noqa: E402
from _timing import run_times  # noqa: E402  (bench/ is on the path when a bench runs)

FEET = json.loads((BASE_DIR / "bench" / "feet.json").read_text())
from tests.datafiles import SCAN_0044_LASER as SCAN  # noqa: E402


def timed(function, runs: int) -> dict:
    """Median, min and max seconds of ``runs`` calls after one untimed call."""
    times = run_times(function, runs)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per figure")
    parser.add_argument("--scan", action="store_true", help=f"also check against the real scan {SCAN.name}")
    parser.add_argument("--png-dir", type=Path, help="write the heat maps here")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    foot = FEET["right"]
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "renderer": render.backend("auto")}, "figures": {}}
    figures = results["figures"]
    measurements = registry.parse("shoe", options={}, foot=foot, side="right").foot
    figures["avatar"] = timed(lambda: foot_avatar(measurements, "right"), args.runs)
    figures["size_recommend (both feet)"] = timed(lambda: size_recommend(FEET), args.runs)
    scan = None
    if args.scan and SCAN.exists():
        scan = trimesh.load(SCAN, process=False)
        measured = scan_measure(scan)  # what an upload stores: side, measurements, cleaned foot
        scan.apply_scale(1000.0)  # the file is in metres
    for key in registry.product_keys():
        params = registry.parse(key, options={}, foot=foot, side="right")
        result = fit_check(key, params)
        print(f"{key}: {result['verdict']}, " + ", ".join(
            f"{name} {region['value_mm']:g} mm {region['status']}" for name, region in result["regions"].items()),
            file=sys.stderr)
        if args.png_dir:
            (args.png_dir / f"fit_{key}_avatar.png").write_bytes(result["heatmap_png"])
        figures[f"{key}: fit_check, avatar, heat map"] = timed(lambda: fit_check(key, params), args.runs)
        figures[f"{key}: fit_check, avatar, no heat map"] = timed(lambda: fit_check(key, params, heatmap=False),
                                                                  args.runs)
        fine = foot_avatar(params.foot, "right").subdivide().subdivide()
        figures[f"{key}: fit_check, avatar {len(fine.vertices) // 1000}k vertices, no heat map"] = timed(
            lambda: fit_check(key, params, fine, heatmap=False), args.runs)
        if scan is not None:
            left = registry.parse(key, options={}, foot=FEET["left"], side="left")
            if args.png_dir:
                (args.png_dir / f"fit_{key}_scan.png").write_bytes(fit_check(key, left, scan)["heatmap_png"])
            figures[f"{key}: fit_check, scan 44k vertices, heat map"] = timed(lambda: fit_check(key, left, scan),
                                                                              args.runs)
            shaped = registry.parse(key, options={}, foot={name: measured.measurements[name] for name in
                                                           MEASUREMENT_RANGES_MM}, side=measured.side)
            figures[f"{key}: fit_check, shaped by the scan, on it, heat map"] = timed(
                lambda: fit_check(key, shaped, measured.foot, shaped_by=measured.foot), args.runs)
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
        print(f"\nwritten {args.json}")


def print_table(results: dict) -> None:
    machine = results["machine"]
    print(f"\nPython {machine['python']}, {machine['cpus']} CPUs, preview backend (auto): {machine['renderer']}")
    print("Milliseconds.\n")
    width = max(len(name) for name in results["figures"])
    print(f"{'what':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}")
    print("-" * (width + 32))
    for name, figure in results["figures"].items():
        print(f"{name:<{width}}  " + "  ".join(f"{1000 * figure[k]:8.1f}" for k in ("median", "min", "max")))


if __name__ == "__main__":
    main()
