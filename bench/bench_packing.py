"""
Packing real parts onto build plates: time and plates for 200 parts (and smaller batches), footprints apart.

    .venv/bin/python bench/bench_packing.py [--parts 200] [--printer prusa_xl]

The parts are shoes (upper, midsole, outsole) and insoles of a few feet and options, built once; every
part is a separate job (so 200 parts stand for about 25 pairs of shoes with their insoles). Prints the
time to compute the footprints, the packing time, the plates used against the area lower bound
(ceil(sum of outline areas / bed area)) and the mean fill of the plates.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from geometry import packing, registry  # noqa: E402
from geometry.printers import DEFAULT_PRINTER, PRINTER_PROFILES  # noqa: E402

FEET = [
    {"length_mm": 265.0, "ball_width_mm": 100.0, "ball_girth_mm": 250.0, "instep_girth_mm": 255.0,
     "heel_width_mm": 70.0, "arch_height_mm": 18.0},
    {"length_mm": 235.0, "ball_width_mm": 92.0, "ball_girth_mm": 228.0, "instep_girth_mm": 232.0,
     "heel_width_mm": 62.0, "arch_height_mm": 16.0},
    {"length_mm": 290.0, "ball_width_mm": 108.0, "ball_girth_mm": 268.0, "instep_girth_mm": 272.0,
     "heel_width_mm": 74.0, "arch_height_mm": 20.0},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--parts", type=int, default=200)
    parser.add_argument("--printer", default=DEFAULT_PRINTER, choices=list(PRINTER_PROFILES))
    args = parser.parse_args()
    profile = PRINTER_PROFILES[args.printer]

    started = time.perf_counter()
    outlines = []
    for foot in FEET:
        for side in ("left", "right"):
            for key, options in (("shoe", {}), ("insole", {})):
                params = registry.parse(key, options=options, foot=foot, side=side)
                for part, mesh in registry.build_parts(key, params).items():
                    outlines.append((f"{key}-{part}", packing.footprint(mesh)))
    built_s = time.perf_counter() - started
    print(f"built {len(outlines)} distinct parts and their footprints in {built_s:.1f} s "
          f"({built_s / len(outlines):.2f} s per part, build included)")

    for count in sorted({20, 50, args.parts}):
        if count > args.parts:
            continue
        parts = [packing.PackPart(f"{outlines[i % len(outlines)][0]}-{i}", outlines[i % len(outlines)][1])
                 for i in range(count)]
        started = time.perf_counter()
        plates = packing.pack(parts, bed_mm=profile.bed_mm)
        seconds = time.perf_counter() - started
        area = sum(p.outline.area for p in parts)
        bed = profile.bed_mm[0] * profile.bed_mm[1]
        bound = math.ceil(area / bed)
        print(f"{count:4d} parts on the {profile.label}: {len(plates)} plates (area lower bound {bound}), "
              f"mean fill {area / (len(plates) * bed):.0%}, packed in {seconds:.1f} s "
              f"({seconds / count * 1000:.0f} ms per part)")


if __name__ == "__main__":
    main()
