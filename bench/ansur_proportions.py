"""
Refit the proportions of "start from my shoe size" (geometry/size_estimate.py) from ANSUR II and print them.

    .venv/bin/python bench/ansur_proportions.py

Prints the least-squares lines of ball width and heel width on the foot length and the ball girth above the
expected girth (sizing.EXPECTED_GIRTH), their residual spreads, and the mean girth of each width fitting in fitting
steps: the constants BALL_WIDTH, HEEL_WIDTH and FITTING_CENTRE_STEPS are these, rounded.
"""
import bisect
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from geometry import sizing  # noqa: E402

ANSUR = Path(__file__).resolve().parents[1] / "tests" / "data" / "anthropometry" / "ansur2_foot_hand_head.csv"


def proportions(path: Path = ANSUR) -> dict:
    rows = list(csv.DictReader(path.open()))
    column = lambda name: np.array([float(row[name]) for row in rows])  # noqa: E731
    length, width = column("footlength"), column("footbreadthhorizontal")
    girth, heel = column("balloffootcircumference"), column("heelbreadth")
    above = girth - (sizing.EXPECTED_GIRTH[0] + sizing.EXPECTED_GIRTH[1] * length)
    design = np.column_stack([np.ones_like(length), length, above])
    fitted = {}
    for name, values in (("ball_width", width), ("heel_width", heel)):
        coefficients = np.linalg.lstsq(design, values, rcond=None)[0]
        fitted[name] = {"coefficients": coefficients.tolist(), "residual_sd_mm": float(np.std(values - design @ coefficients))}
    steps = above / sizing.FITTING_STEP_MM
    fitting = np.array([bisect.bisect_left(sizing.FITTING_BOUNDS_STEPS, step) for step in steps])
    fitted["fitting_centre_steps"] = {name: float(steps[fitting == k].mean()) for k, name in enumerate(sizing.FITTINGS)}
    fitted["fitting_share"] = {name: float((fitting == k).mean()) for k, name in enumerate(sizing.FITTINGS)}
    fitted["subjects"] = len(rows)
    return fitted


if __name__ == "__main__":
    result = proportions()
    print(f"ANSUR II subjects: {result['subjects']}")
    for name in ("ball_width", "heel_width"):
        a, b, c = result[name]["coefficients"]
        print(f"{name} = {a:.3f} + {b:.5f} * length + {c:.5f} * girth above expected   (residual sd "
              f"{result[name]['residual_sd_mm']:.1f} mm)")
    for name, centre in result["fitting_centre_steps"].items():
        print(f"{name:>10}: mean {centre:+.2f} steps, {result['fitting_share'][name]:.0%} of ANSUR")
