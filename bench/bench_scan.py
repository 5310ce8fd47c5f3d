"""
Foot-scan timings: ``measure_scan_file`` (parse + units + clean + orient + measure) on the three real
scans in tests/data/meshes and on a ~200,000-triangle scan made in memory from
foot3d_0044_scan.ply (a random 43 % of its triangles split in four, then the whole turned and moved, so
the work is not helped by the stored pose). Prints the triangle count and median / min / max seconds
over ``--runs`` runs (after one untimed run), plus a per-stage split of one run of the large scan.
Asserts nothing about time; the target is a median under 3 s for 200k triangles.

It also prints what the measurements are worth: the laser scan of 0044 against its phone-photo (COLMAP) twin,
and the avatar round trip -- avatars built from ANSUR II feet (a fixed sample plus the ends of the range,
both sexes) measured as scans, the largest error per measurement -- with the avatar's build time.

    .venv/bin/python bench/bench_scan.py [--runs 5] [--avatars 60] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import trimesh

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from geometry.avatar import foot_avatar  # noqa: E402
from geometry.foot import FootMeasurements  # noqa: E402
from geometry.scan import measure_scan_file, scan_measure  # noqa: E402
from _timing import run_times  # noqa: E402  (bench/ is on the path when a bench runs)

from tests.datafiles import MESHES_DIR as MESHES  # noqa: E402
REAL = ("foot3d_0044_scan.ply", "foot3d_0044_colmap.obj", "find_template_0015A.ply")


def large_scan(triangles: int = 200_000) -> tuple[bytes, str]:
    """PLY bytes of foot3d_0044_scan.ply refined to about ``triangles`` triangles, posed arbitrarily."""
    mesh = trimesh.load(MESHES / "foot3d_0044_scan.ply", force="mesh")
    count = (triangles - len(mesh.faces)) // 3 + 1  # each split face becomes four
    chosen = np.random.default_rng(0).choice(len(mesh.faces), count, replace=False)
    mesh = mesh.subdivide(face_index=chosen)
    mesh.apply_transform(trimesh.transformations.random_rotation_matrix(np.random.default_rng(1).random(3)))
    mesh.apply_translation([0.4, -0.2, 1.1])
    return mesh.export(file_type="ply"), "foot3d_0044_scan_200k.ply"


def avatar_feet(count: int) -> list[dict]:
    """``count`` ANSUR II feet (seeded sample) plus the shortest, longest, narrowest, widest, flattest, fullest."""
    from tests.geometry._support import ANSUR, foot_from_row

    rng = np.random.default_rng(0)
    table = np.array([row[1:] for row in ANSUR])
    ratio = table[:, 2] / table[:, 1]
    ends = {int(np.argmin(table[:, 0])), int(np.argmax(table[:, 0])), int(np.argmin(table[:, 1])),
            int(np.argmax(table[:, 1])), int(np.argmin(ratio)), int(np.argmax(ratio))}
    rows = [ANSUR[i] for i in rng.choice(len(ANSUR), count, replace=False)] + [ANSUR[i] for i in sorted(ends)]
    return [foot_from_row(row, instep_ratio=float(rng.uniform(0.72, 0.78)), arch_height_mm=float(rng.uniform(8, 30)))
            for row in rows]


def avatar_round_trip(count: int) -> dict:
    """Largest |scan reading - built value| per measurement over :func:`avatar_feet`, and build seconds."""
    errors: dict[str, list[float]] = {}
    seconds = []
    for foot in avatar_feet(count):
        start = time.perf_counter()
        mesh = foot_avatar(FootMeasurements.from_dict(foot), "right")
        seconds.append(time.perf_counter() - start)
        read = scan_measure(mesh).measurements
        for key, value in foot.items():
            errors.setdefault(key, []).append(read[key] - value)
    return {"feet": count + 6, "build_median_seconds": round(statistics.median(seconds), 3),
            "max_error_mm": {key: round(max(values, key=abs), 1) for key, values in errors.items()}}


def stages(data: bytes, filename: str) -> dict[str, float]:
    """Seconds spent between the progress reports of one run."""
    marks = [("start", time.perf_counter())]
    measure_scan_file(data, filename, on_progress=lambda stage, fraction: marks.append((stage, time.perf_counter())))
    return {stage: round(end - marks[k][1], 3) for k, (stage, end) in enumerate(marks[1:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per file (default 5)")
    parser.add_argument("--avatars", type=int, default=60, help="ANSUR feet for the avatar round trip (default 60)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cases = [large_scan()] + [((MESHES / name).read_bytes(), name) for name in REAL]
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "load_average": os.getloadavg()}, "runs": args.runs, "files": {}}
    print(f"{'file':34} {'triangles':>10} {'MB':>6} {'median s':>9} {'min s':>7} {'max s':>7}")
    for data, filename in cases:
        result = measure_scan_file(data, filename)
        triangles = len(trimesh.load(trimesh.util.wrap_as_stream(data), file_type=filename.rsplit(".", 1)[1],
                                     force="mesh", process=False).faces)
        times = run_times(lambda: measure_scan_file(data, filename), args.runs)
        entry = {"triangles": triangles, "megabytes": round(len(data) / 1e6, 2),
                 "median_seconds": round(statistics.median(times), 3), "min_seconds": round(min(times), 3),
                 "max_seconds": round(max(times), 3), "measurements": result.measurements, "side": result.side}
        results["files"][filename] = entry
        print(f"{filename:34} {triangles:>10,} {entry['megabytes']:>6} {entry['median_seconds']:>9.2f} "
              f"{entry['min_seconds']:>7.2f} {entry['max_seconds']:>7.2f}")
    split = stages(*cases[0])
    results["files"][cases[0][1]]["stage_seconds"] = split
    print("stages of one run of the large scan (s): " + ", ".join(f"{k} {v:.2f}" for k, v in split.items()))
    laser, phone = (results["files"][name]["measurements"] for name in REAL[:2])
    results["phone_minus_laser_mm"] = {key: round(phone[key] - laser[key], 1) for key in laser}
    print("phone (COLMAP) minus laser, scan 0044 (mm): "
          + ", ".join(f"{key.removesuffix('_mm')} {value:+.1f}" for key, value in results["phone_minus_laser_mm"].items()))
    trip = avatar_round_trip(args.avatars)
    results["avatar_round_trip"] = trip
    print(f"avatar round trip over {trip['feet']} ANSUR II feet, largest error (mm): "
          + ", ".join(f"{key.removesuffix('_mm')} {value:+.1f}" for key, value in trip["max_error_mm"].items())
          + f"; avatar build median {trip['build_median_seconds']:.3f} s")
    print(f"load average {results['machine']['load_average'][0]:.2f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
