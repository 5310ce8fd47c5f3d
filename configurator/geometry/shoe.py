"""
Shoe: a last lofted from the measurements, an upper shelled around it with a collar opening,
and a sole with an optional heel rise, booleaned into one watertight solid with manifold3d.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import manifold3d
import numpy as np
import trimesh

from ._shape import (PlanProfile, end_rounding, mirror_y, pchip, report, section_girth, slab_mesh, smoothstep,
                     stations, tube_mesh, TOE_SHAPES)
from .foot import FootMeasurements
from .params import OptionSpec, Params

BELOW_FRACTION = 0.3    # share of a last section's height below its widest line
MIN_BALL_HEIGHT_MM = 18.0  # flattest last we make (very low girth/width ratios would give less)
WELT_MM = 2.0           # how far the sole sticks out beyond the upper
STATIONS = 110          # sections along the last
AROUND = 72             # points per section

SHOE_OPTIONS = (
    OptionSpec("toe_allowance_mm", "Toe allowance", "number", 12.0, unit="mm", min=5.0, max=25.0, step=0.5,
               help="Room in front of the longest toe; the inside is foot length + this long."),
    OptionSpec("wall_thickness_mm", "Wall thickness", "number", 2.0, unit="mm", min=1.5, max=4.0, step=0.1,
               help="Thickness of the upper."),
    OptionSpec("sole_thickness_mm", "Sole thickness", "number", 8.0, unit="mm", min=4.0, max=20.0, step=0.5,
               help="From the ground to the footbed under the forefoot."),
    OptionSpec("heel_height_mm", "Heel height", "number", 10.0, unit="mm", min=0.0, max=40.0, step=1.0,
               help="How much higher the footbed is at the heel than under the forefoot."),
    OptionSpec("toe_shape", "Toe shape", "choice", "round", choices=tuple(TOE_SHAPES),
               help="Plan shape of the toe box."),
    OptionSpec("color", "Colour", "color", "#c8553d", help="Colour of the printed shoe."),
)


@dataclass(frozen=True)
class ShoeParams(Params):
    """Everything that determines one shoe (one side)."""

    foot: FootMeasurements
    side: str
    toe_allowance_mm: float = 12.0
    wall_thickness_mm: float = 2.0
    sole_thickness_mm: float = 8.0
    heel_height_mm: float = 10.0
    toe_shape: str = "round"
    color: str = "#c8553d"

    OPTIONS = SHOE_OPTIONS  # class attribute (no annotation): not a dataclass field

    @property
    def inner_length_mm(self) -> float:
        return self.foot.length_mm + self.toe_allowance_mm


@dataclass(frozen=True)
class Last:
    """
    The inside shape of the shoe, as smooth functions of x (right foot).

    ``plan`` gives the outline; ``height_knots`` the section heights above the footbed.
    """

    plan: PlanProfile
    xk_mm: tuple
    height_k_mm: tuple
    length_mm: float
    sole_thickness_mm: float
    heel_height_mm: float

    def footbed_mm(self, x_mm: np.ndarray) -> np.ndarray:
        """Height of the footbed (last bottom): heel raised, ramping down to the forefoot."""
        ramp = smoothstep((np.asarray(x_mm, float) - 0.22 * self.length_mm) / (0.40 * self.length_mm))
        return self.sole_thickness_mm + self.heel_height_mm * (1.0 - ramp)

    def height_mm(self, x_mm: np.ndarray, grow_mm: float = 0.0) -> np.ndarray:
        """Section height (bottom to top), rounded down to the toe tip; ``grow_mm`` adds a wall."""
        body = pchip(self.xk_mm, self.height_k_mm, x_mm) + 2 * grow_mm
        toe_radius = 0.8 * self.height_k_mm[-1] + grow_mm
        rounding = end_rounding(self.plan.end_mm + grow_mm - np.asarray(x_mm, float), toe_radius, 2.0)
        return np.maximum(body * rounding, 2 * self.plan.min_half_mm)

    def bottom_grow_mm(self, grow_mm: float) -> float:
        """The upper's bottom wall: at most half the sole, so the sole always covers it."""
        return min(grow_mm, 0.5 * self.sole_thickness_mm)

    def tube(self, grow_mm: float = 0.0) -> trimesh.Trimesh:
        """The last (``grow_mm=0``) or its outward offset by ``grow_mm`` as a closed tube."""
        plan = self.plan.grown(grow_mm)
        x = stations(plan.start_mm, plan.end_mm, STATIONS)
        centre, half = plan.centre_half(x)
        height = self.height_mm(x, grow_mm)
        bottom = self.footbed_mm(x) - self.bottom_grow_mm(grow_mm)
        below = BELOW_FRACTION * height
        return tube_mesh(x, centre, half, bottom + below, below, height - below, AROUND)


def _height_for_girth(half_width_mm: float, girth_mm: float) -> float:
    """Section height whose perimeter equals ``girth_mm`` at the given half width (bisection, vectorised)."""
    candidates = np.linspace(5.0, 200.0, 391)
    girths = section_girth(np.full_like(candidates, half_width_mm), BELOW_FRACTION * candidates,
                           (1 - BELOW_FRACTION) * candidates)
    return float(np.interp(girth_mm, girths, candidates))  # girth grows monotonically with height


def last(params: ShoeParams) -> Last:
    """The last (inside of the shoe) for these parameters, right foot."""
    foot = params.foot
    L = foot.length_mm
    plan = PlanProfile.for_foot(length_mm=L, total_length_mm=params.inner_length_mm,
                                ball_width_mm=foot.ball_width_mm, heel_width_mm=foot.heel_width_mm,
                                toe_shape=params.toe_shape)
    _, half = plan.centre_half(np.array([0.55 * L, 0.72 * L]))
    ball_h = max(_height_for_girth(half[1], foot.ball_girth_mm), MIN_BALL_HEIGHT_MM)
    instep_h = max(_height_for_girth(half[0], foot.instep_girth_mm), ball_h)
    collar_h = 0.21 * L
    rear_h = max(collar_h + 30.0, instep_h + 10.0)
    toe_h = float(np.clip(0.62 * ball_h, 16.0, 30.0))
    xk = (0.0, 0.30 * L, 0.55 * L, 0.72 * L, 0.88 * L, params.inner_length_mm)
    hk = (rear_h, rear_h, instep_h, ball_h, toe_h, 0.75 * toe_h)
    return Last(plan, xk, hk, L, params.sole_thickness_mm, params.heel_height_mm)


def _manifold(mesh: trimesh.Trimesh) -> manifold3d.Manifold:
    return manifold3d.Manifold(manifold3d.Mesh(vert_properties=np.asarray(mesh.vertices, np.float32),
                                               tri_verts=np.asarray(mesh.faces, np.uint32)))


def _collar_cutter(the_last: Last) -> manifold3d.Manifold:
    """
    Solid removed from the top rear to open the collar: everything above a line sloping from
    the heel collar height down to the throat, with a rounded front end.
    """
    L = the_last.length_mm
    x_throat = 0.62 * L
    z_back = float(the_last.footbed_mm(0.0)) + 0.21 * L
    z_throat = float(the_last.footbed_mm(x_throat) + 0.72 * the_last.height_mm(np.array([x_throat]))[0])
    radius = 12.0
    x_start = -60.0
    slope = (z_throat - z_back) / (x_throat - radius)
    angles = np.linspace(-np.pi / 2, 0.0, 12)
    arc = np.column_stack([x_throat - radius + radius * np.cos(angles),
                           z_throat + radius + radius * np.sin(angles)])
    top = z_back + 400.0
    outline = np.concatenate([[[x_start, z_back + slope * x_start]], arc, [[x_throat, top], [x_start, top]]])
    # outline is in the x–z plane: extrude along +z then rotate so that extrusion runs along y
    solid = manifold3d.Manifold.extrude(manifold3d.CrossSection([outline]), 400.0)
    return solid.rotate((90.0, 0.0, 0.0)).translate((0.0, 200.0, 0.0))


def shoe(params: ShoeParams, *, on_progress: Callable[[str, float], None] | None = None) -> trimesh.Trimesh:
    """
    Build a shoe: heel at x=0, toe towards +x, sole bottom on z=0, units mm.

    The inside (cavity) is the last: ``foot.length_mm + toe_allowance_mm`` long from x=0. The
    upper is the last grown by ``wall_thickness_mm``; the collar is cut from the top rear; the
    sole follows the upper's outline plus a welt.

    Returns
    -------
    mesh : trimesh.Trimesh
      Watertight single body. Medial side is +y for the right foot, -y for the left.
    """
    report(on_progress, "last", 0.05)
    wall = params.wall_thickness_mm
    the_last = last(params)
    inner = the_last.tube()
    outer = the_last.tube(wall)
    report(on_progress, "upper", 0.3)
    sole_plan = the_last.plan.grown(wall + WELT_MM)
    x = stations(sole_plan.start_mm, sole_plan.end_mm, 90)
    y_lat, y_med = sole_plan(x)
    # sole top sits halfway into the upper's bottom wall, so the union overlaps
    sole_top_mm = the_last.bottom_grow_mm(wall) / 2
    sole = slab_mesh(x, y_lat, y_med, 16, lambda X, Y, V: the_last.footbed_mm(X) - sole_top_mm)
    report(on_progress, "sole", 0.45)
    solid = manifold3d.Manifold.batch_boolean([_manifold(outer), _manifold(sole)], manifold3d.OpType.Add)
    solid = manifold3d.Manifold.batch_boolean([solid, _manifold(inner), _collar_cutter(the_last)],
                                              manifold3d.OpType.Subtract)
    report(on_progress, "boolean", 0.85)
    out = solid.to_mesh()
    mesh = trimesh.Trimesh(vertices=np.asarray(out.vert_properties[:, :3], float),
                           faces=np.asarray(out.tri_verts, np.int64), process=False)
    if params.side == "left":
        mesh = mirror_y(mesh)
    report(on_progress, "done", 1.0)
    return mesh


def expected_dimensions(params: ShoeParams) -> dict:
    """What the built shoe must measure (mm)."""
    wall = params.wall_thickness_mm
    return {
        "inner_length_mm": params.inner_length_mm,
        "inner_width_mm": params.foot.ball_width_mm,
        "length_mm": params.inner_length_mm + 2 * (wall + WELT_MM),
        "width_mm": params.foot.ball_width_mm + 2 * (wall + WELT_MM),
        "sole_thickness_mm": params.sole_thickness_mm,
        "heel_height_mm": params.heel_height_mm,
        "wall_thickness_mm": wall,
    }
