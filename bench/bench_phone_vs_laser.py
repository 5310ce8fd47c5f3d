"""
Where the phone (COLMAP) reconstruction of Foot3D scan 0044 differs from the laser scan of the same foot.

Both files are cleaned and measured as uploads are (the table: laser, phone, difference, the phone's plus or minus
and the flare its open edge added, which the measurement left out), then 20,000 points of the phone model are aligned to the laser
foot by ICP, rigidly and with a free scale. Prints the mean and median distance of each alignment and, along the
foot in 20 mm bins, how far the phone surface stands outside the laser's (mean and 90th percentile, mm). Asserts
nothing; the README's "phone against laser" paragraph quotes these figures.

    .venv/bin/python bench/bench_phone_vs_laser.py [--points 20000]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from trimesh.registration import icp

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from geometry._scan_measure import measure  # noqa: E402
from geometry.scan import measure_scan_file  # noqa: E402
from tests.datafiles import SCAN_0044_COLMAP, SCAN_0044_LASER  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--table-only", action="store_true", help="skip the ICP comparison")
    arguments = parser.parse_args()
    laser = measure_scan_file(SCAN_0044_LASER.read_bytes(), SCAN_0044_LASER.name)
    phone = measure_scan_file(SCAN_0044_COLMAP.read_bytes(), SCAN_0044_COLMAP.name)
    flare = measure(phone.foot).flare_mm  # the phone foot as measured (heel at x=0, leg cut): its free-edge flare
    for key in ("length_mm", "ball_width_mm", "ball_girth_mm", "instep_girth_mm", "heel_width_mm", "arch_height_mm"):
        print(f"{key:16s} laser {laser.measurements[key]:6.1f}  phone {phone.measurements[key]:6.1f}  "
              f"difference {phone.measurements[key] - laser.measurements[key]:+5.1f}  "
              f"phone +/- {phone.uncertainty_mm[key]:4.1f}  laser +/- {laser.uncertainty_mm[key]:4.1f}"
              + (f"  flare left out {flare[key]:4.1f}" if key in flare else ""))
    if arguments.table_only:
        return
    np.random.seed(1)
    points = phone.foot.sample(arguments.points)
    aligned = {}
    for scale in (False, True):
        matrix, moved, _cost = icp(points, laser.foot, initial=np.eye(4), threshold=1e-6, max_iterations=60,
                                   reflection=False, scale=scale)
        distance = np.abs(laser.foot.nearest.signed_distance(moved))
        print(f"ICP {'with scale' if scale else 'rigid     '}: scale {np.cbrt(np.linalg.det(matrix[:3, :3])):.3f}, "
              f"mean {distance.mean():.2f} mm, median {np.median(distance):.2f} mm")
        aligned[scale] = moved
    moved = aligned[False]
    outside = -laser.foot.nearest.signed_distance(moved)  # positive: the phone surface lies outside the laser's
    print("rigid alignment, phone surface outside the laser's, by position along the foot (mm):")
    for start in range(-30, 300, 20):
        band = (moved[:, 0] >= start) & (moved[:, 0] < start + 20)
        if band.any():
            print(f"  x {start:4d}..{start + 20:4d}: mean {outside[band].mean():+5.2f}, "
                  f"90th percentile {np.percentile(outside[band], 90):+5.2f}  ({band.sum()} points)")


if __name__ == "__main__":
    main()
