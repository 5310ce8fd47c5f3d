"""
Foot-scan timings: ``measure_scan_file`` (parse + units + clean + orient + measure) on the three real
scans in tests/data/meshes and on a ~200,000-triangle scan made in memory from
foot3d_0044_scan.ply (a random 43 % of its triangles split in four, then the whole turned and moved, so
the work is not helped by the stored pose). Prints the triangle count and median / min / max seconds
over ``--runs`` runs (after one untimed run), plus a per-stage split of one run of the large scan.
Asserts nothing about time; the target is a median under 3 s for 200k triangles.

    .venv/bin/python bench/bench_scan.py [--runs 5] [--json out.json]
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

from geometry.scan import measure_scan_file  # noqa: E402
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


def stages(data: bytes, filename: str) -> dict[str, float]:
    """Seconds spent between the progress reports of one run."""
    marks = [("start", time.perf_counter())]
    measure_scan_file(data, filename, on_progress=lambda stage, fraction: marks.append((stage, time.perf_counter())))
    return {stage: round(end - marks[k][1], 3) for k, (stage, end) in enumerate(marks[1:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per file (default 5)")
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
    print(f"load average {results['machine']['load_average'][0]:.2f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
