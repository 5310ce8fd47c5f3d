"""
Draw docs/measurements.png: where the tape and the caliper go for each measurement, on an avatar foot measured
as a scan (the lines are the ones geometry.measurements takes, not drawn by hand). Pillow only.

    .venv/bin/python docs/measurements_figure.py [--out docs/measurements.png]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy.spatial import ConvexHull

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from geometry import measurements as M  # noqa: E402
from geometry._scan_measure import measure_on_floor  # noqa: E402
from geometry.avatar import foot_avatar  # noqa: E402
from geometry.foot import TYPICAL_FOOT_MM, FootMeasurements  # noqa: E402

COLOURS = {"length_mm": (200, 30, 30), "ball_width_mm": (30, 90, 200), "ball_girth_mm": (140, 40, 170),
           "instep_girth_mm": (20, 140, 60), "heel_width_mm": (230, 120, 0), "arch_height_mm": (0, 150, 160),
           "toe_box_height_mm": (130, 80, 30)}
LABELS = {"length_mm": "Length", "ball_width_mm": "Ball width", "ball_girth_mm": "Ball girth",
          "instep_girth_mm": "Instep girth", "heel_width_mm": "Heel width", "arch_height_mm": "Arch height",
          "toe_box_height_mm": "Toe-box height"}
SCALE = 3.0  # px per mm
GREY = (150, 150, 150)


def font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size)


def shaded(draw: ImageDraw.ImageDraw, mesh, project, depth_axis: int, light: np.ndarray) -> None:
    """The mesh's triangles back to front (painter's order along ``depth_axis``), lit by ``light``."""
    triangles = mesh.triangles
    order = np.argsort(triangles[:, :, depth_axis].mean(axis=1))
    brightness = 0.45 + 0.5 * np.abs(mesh.face_normals @ light)
    for k in order:
        level = int(120 + 120 * brightness[k])
        draw.polygon([project(p) for p in triangles[k]], fill=(level, level - 8, level - 20))


def dashed(draw, a, b, colour, width=2, dash=8):
    a, b = np.asarray(a, float), np.asarray(b, float)
    length = np.linalg.norm(b - a)
    for start in np.arange(0.0, length, 2 * dash):
        end = min(start + dash, length)
        draw.line([tuple(a + (b - a) * start / length), tuple(a + (b - a) * end / length)], fill=colour, width=width)


def arrow(draw, a, b, colour, width=3):
    """A double-headed dimension arrow from a to b (pixels)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    draw.line([tuple(a), tuple(b)], fill=colour, width=width)
    direction = (b - a) / np.linalg.norm(b - a)
    normal = np.array([-direction[1], direction[0]])
    for tip, sign in ((a, 1.0), (b, -1.0)):
        head = [tuple(tip), tuple(tip + sign * 12 * direction + 5 * normal), tuple(tip + sign * 12 * direction - 5 * normal)]
        draw.polygon(head, fill=colour)


def label(draw, xy, text, colour, size=18, anchor="la"):
    draw.text(xy, text, fill=colour, font=font(size), anchor=anchor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BASE_DIR / "docs" / "measurements.png")
    args = parser.parse_args()

    foot = FootMeasurements.from_dict(TYPICAL_FOOT_MM)
    measured = measure_on_floor(foot_avatar(foot, "right"))  # in the foot's own frame, leg cut off
    mesh, values, marks = measured.foot, measured.values, measured.landmarks
    L = values["length_mm"]
    v = mesh.vertices

    width, height = 1700, 1330
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    label(draw, (30, 22), f"Where the tape goes: a typical right foot ({L:.0f} mm), seen from above and from the "
                          "inside (medial) side", (20, 20, 20), 26)

    # --- plan view: x to the right, medial (+y) up -----------------------------------------------------------
    plan_origin = np.array([90.0, 270.0])

    def plan(p):
        return (plan_origin[0] + SCALE * p[0], plan_origin[1] - SCALE * p[1])

    shaded(draw, mesh, plan, 2, np.array([0.3, 0.3, 0.9]) / np.linalg.norm([0.3, 0.3, 0.9]))
    y_low, y_high = v[:, 1].min(), v[:, 1].max()
    # length: heel's rearmost point to the toe tip, along the axis
    below = y_low - 14
    for point in (marks["heel"], marks["toe"]):
        dashed(draw, plan(point), plan((point[0], below - 4)), COLOURS["length_mm"], 1, 5)
    arrow(draw, plan((marks["heel"][0], below)), plan((marks["toe"][0], below)), COLOURS["length_mm"])
    label(draw, plan((L / 2, below - 4)), f"length {values['length_mm']:.0f}", COLOURS["length_mm"], 20, "mt")
    # ball width: the caliper's jaws over the ball range, touching the metatarsal heads
    x0, x1 = M.BALL_RANGE[0] * L, M.BALL_RANGE[1] * L
    for point in (marks["ball_left"], marks["ball_right"]):
        draw.line([plan((x0, point[1])), plan((L + 16, point[1]))], fill=COLOURS["ball_width_mm"], width=3)
        centre = plan(point)
        draw.ellipse([centre[0] - 7, centre[1] - 7, centre[0] + 7, centre[1] + 7], fill=COLOURS["ball_width_mm"])
    arrow(draw, plan((L + 12, marks["ball_right"][1])), plan((L + 12, marks["ball_left"][1])), COLOURS["ball_width_mm"])
    label(draw, plan((L + 18, 0)), f"ball width {values['ball_width_mm']:.0f}", COLOURS["ball_width_mm"], 20, "lm")
    label(draw, plan((L + 18, -12)), f"(caliper over {M.BALL_RANGE[0]:.0%}-{M.BALL_RANGE[1]:.0%})",
          COLOURS["ball_width_mm"], 15, "lm")
    # ball girth: the tape's plane through both metatarsal heads (oblique)
    a, b = marks["ball_left"][:2], marks["ball_right"][:2]
    u = (a - b) / np.linalg.norm(a - b)
    draw.line([plan(b - 12 * u), plan(a + 12 * u)], fill=COLOURS["ball_girth_mm"], width=4)
    label(draw, plan(a + 14 * u), "ball girth", COLOURS["ball_girth_mm"], 20, "mb")
    # instep girth: square to the axis
    xi = M.INSTEP_AT * L
    draw.line([plan((xi, y_low - 6)), plan((xi, y_high + 6))], fill=COLOURS["instep_girth_mm"], width=4)
    label(draw, plan((xi, y_high + 8)), "instep girth", COLOURS["instep_girth_mm"], 20, "mb")
    # heel width: the caliper over the rear quarter, below the ankle bones
    heel = v[(v[:, 0] <= M.HEEL_RANGE[1] * L) & (v[:, 2] <= M.HEEL_HEIGHT * L)]
    for y in (heel[:, 1].min(), heel[:, 1].max()):
        draw.line([plan((0, y)), plan((M.HEEL_RANGE[1] * L, y))], fill=COLOURS["heel_width_mm"], width=3)
    arrow(draw, plan((-8, heel[:, 1].min())), plan((-8, heel[:, 1].max())), COLOURS["heel_width_mm"])
    label(draw, plan((M.HEEL_RANGE[1] * L / 2, heel[:, 1].max() + 6)), "heel width", COLOURS["heel_width_mm"], 20, "mb")

    # --- side view from the medial side: x to the right, z up -------------------------------------------------
    side_origin = np.array([90.0, 880.0])

    def side(p):
        return (side_origin[0] + SCALE * p[0], side_origin[1] - SCALE * p[2])

    shaded(draw, mesh, side, 1, np.array([0.2, 0.9, 0.4]) / np.linalg.norm([0.2, 0.9, 0.4]))
    draw.line([side((-20, 0, 0)), side((L + 20, 0, 0))], fill=(60, 60, 60), width=2)
    for level, text in ((M.HEEL_HEIGHT * L, f"{M.HEEL_HEIGHT:g} x length: heel, toe tip, heel width below"),
                        (M.TRIM_HEIGHT * L, f"{M.TRIM_HEIGHT:g} x length: the leg is cut off here")):
        dashed(draw, side((-20, 0, level)), side((L + 20, 0, level)), GREY, 1)
        label(draw, side((L + 24, 0, level)), text, (110, 110, 110), 15, "lm")
    for point in (marks["ball_left"], marks["ball_right"]):
        dashed(draw, side((point[0], 0, -4)), side((point[0], 0, 0.3 * L)), COLOURS["ball_girth_mm"], 2, 6)
    label(draw, side((marks["ball_left"][0], 0, 0.3 * L + 2)), "ball girth plane (oblique)",
          COLOURS["ball_girth_mm"], 16, "mb")
    draw.line([side((xi, 0, -4)), side((xi, 0, 0.33 * L))], fill=COLOURS["instep_girth_mm"], width=3)
    label(draw, side((xi, 0, 0.33 * L + 2)), "instep", COLOURS["instep_girth_mm"], 16, "mb")
    # arch height: the medial underside, highest over the arch range
    lowest, _ = M.midfoot_undersides(mesh, 0.0, L)
    k = int(np.nanargmax(lowest[:, 0]))
    xa = np.linspace(*M.ARCH_RANGE, M.ARCH_STEPS)[k] * L
    dashed(draw, side((M.ARCH_RANGE[0] * L, 0, -10)), side((M.ARCH_RANGE[1] * L, 0, -10)), COLOURS["arch_height_mm"], 3)
    arrow(draw, side((xa, 0, 0)), side((xa, 0, values["arch_height_mm"])), COLOURS["arch_height_mm"])
    label(draw, side((xa, 0, -13)), f"arch height {values['arch_height_mm']:.0f} (over {M.ARCH_RANGE[0]:.0%}-"
                                    f"{M.ARCH_RANGE[1]:.0%})", COLOURS["arch_height_mm"], 18, "mt")
    # toe-box height: the highest point of the front fifth
    xt = M.TOE_BOX_FROM * L
    draw.line([side((xt, 0, values["toe_box_height_mm"])), side((L, 0, values["toe_box_height_mm"]))],
              fill=COLOURS["toe_box_height_mm"], width=3)
    arrow(draw, side((L + 10, 0, 0)), side((L + 10, 0, values["toe_box_height_mm"])), COLOURS["toe_box_height_mm"])
    label(draw, side((L + 16, 0, values["toe_box_height_mm"] / 2)), "toe-box height", COLOURS["toe_box_height_mm"],
          18, "lm")

    # --- the two tapes in their own planes ------------------------------------------------------------------------
    def tape(panel_x, panel_y, points2, key, title, girth):
        hull = points2[ConvexHull(points2).vertices]
        centre = (points2.max(axis=0) + points2.min(axis=0)) / 2

        def at(p):
            return (panel_x + SCALE * 1.1 * (p[0] - centre[0]), panel_y - SCALE * 1.1 * (p[1] - centre[1]))

        draw.polygon([at(p) for p in hull], fill=(235, 230, 222))
        draw.point([at(p) for p in points2], fill=(90, 90, 90))
        draw.line([at(p) for p in np.vstack([hull, hull[:1]])], fill=COLOURS[key], width=4)
        label(draw, (panel_x, panel_y - SCALE * 1.1 * np.ptp(points2[:, 1]) / 2 - 30), f"{title}: {girth:.0f} mm",
              COLOURS[key], 20, "mb")

    origin, normal = M.ball_plane(marks["ball_left"], marks["ball_right"])
    ball = M.section(mesh, origin, normal).reshape(-1, 3)
    along = np.cross([0.0, 0.0, 1.0], normal)
    tape(1390, 250, np.column_stack([ball @ along, ball[:, 2]]), "ball_girth_mm", "ball girth, oblique section",
         values["ball_girth_mm"])
    instep = M.section(mesh, np.array([xi, 0.0, 0.0]), np.array([1.0, 0.0, 0.0])).reshape(-1, 3)
    tape(1390, 590, instep[:, 1:], "instep_girth_mm", f"instep girth at {M.INSTEP_AT:.0%}", values["instep_girth_mm"])
    label(draw, (1390, 705), "the tape bridges hollows (convex hull)", (90, 90, 90), 16, "mt")

    # --- the written definitions ---------------------------------------------------------------------------------
    y = 1000
    label(draw, (30, y), "Definitions (geometry/measurements.py; the scan, the avatar, the last and the fit all use "
                         "them). Frame: heel at x=0, toe along the footprint's principal axis, floor z=0; mm.",
          (20, 20, 20), 18)
    for key in M.KEYS:
        y += 40
        label(draw, (30, y), f"{LABELS[key]} ({values[key]:.0f})", COLOURS[key], 19)
        label(draw, (250, y), M.DEFINITIONS[key], (40, 40, 40), 18)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    image.save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
