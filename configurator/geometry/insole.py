"""Custom insole: foot outline, medial arch support and heel cup, as one watertight solid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import shapely
import trimesh

from ._shape import PlanProfile, mirror_y, report, slab_mesh, smoothstep, stations
from .foot import FootMeasurements
from .materials import MATERIAL_KEYS
from .params import OptionSpec, Params

# Fraction of the measured arch height that the support fills.
ARCH_SUPPORT_FRACTION = {"none": 0.0, "low": 0.35, "medium": 0.55, "high": 0.75}
HEEL_CUP_RIM_MM = 14.0  # how far in from the edge the heel-cup rim rises

INSOLE_OPTIONS = (
    OptionSpec("thickness_mm", "Thickness", "number", 4.0, unit="mm", min=2.0, max=10.0, step=0.5,
               help="Base thickness under the forefoot."),
    OptionSpec("toe_allowance_mm", "Toe allowance", "number", 5.0, unit="mm", min=0.0, max=20.0, step=0.5,
               help="Extra length in front of the longest toe; the insole is foot length + this long."),
    OptionSpec("arch_support", "Arch support", "choice", "medium", choices=tuple(ARCH_SUPPORT_FRACTION),
               help="How much of your measured arch height the insole fills under the medial arch."),
    OptionSpec("heel_cup_mm", "Heel cup", "number", 6.0, unit="mm", min=0.0, max=15.0, step=0.5,
               help="Height of the raised rim around the heel."),
    OptionSpec("color", "Colour", "color", "#c8553d", help="Colour of the printed insole."),
    OptionSpec("material", "Material", "choice", "tpu_85a", choices=MATERIAL_KEYS,
               help="Material of the printed insole."),
)


@dataclass(frozen=True)
class InsoleParams(Params):
    """Everything that determines one insole (one side)."""

    foot: FootMeasurements
    side: str
    thickness_mm: float = 4.0
    toe_allowance_mm: float = 5.0
    arch_support: str = "medium"
    heel_cup_mm: float = 6.0
    color: str = "#c8553d"
    material: str = "tpu_85a"

    OPTIONS = INSOLE_OPTIONS  # class attribute (no annotation): not a dataclass field

    @property
    def total_length_mm(self) -> float:
        return self.foot.length_mm + self.toe_allowance_mm

    @property
    def arch_mm(self) -> float:
        """Height of the arch support above the base thickness."""
        return ARCH_SUPPORT_FRACTION[self.arch_support] * self.foot.arch_height_mm


def outline(params: InsoleParams) -> PlanProfile:
    """Plan outline of the (right) insole."""
    foot = params.foot
    return PlanProfile.for_foot(length_mm=foot.length_mm, total_length_mm=params.total_length_mm,
                                ball_width_mm=foot.ball_width_mm, heel_width_mm=foot.heel_width_mm)


def insole(params: InsoleParams, *, on_progress: Callable[[str, float], None] | None = None) -> trimesh.Trimesh:
    """
    Build an insole: heel at x=0, toe towards +x, bottom flat on z=0, units mm.

    The top is a heightfield: ``thickness_mm`` everywhere, plus a smooth bump under the medial
    arch and a rim rising towards the edge around the heel.

    Returns
    -------
    mesh : trimesh.Trimesh
      Watertight single body; x extent ``foot.length_mm + toe_allowance_mm``, y extent
      ``foot.ball_width_mm``. Medial side is +y for the right foot, -y for the left.
    """
    report(on_progress, "outline", 0.05)
    profile = outline(params)
    length_mm = params.foot.length_mm
    x = stations(0.0, params.total_length_mm, 120)
    y_lat, y_med = profile(x)
    boundary = shapely.LinearRing(profile.polygon(200))
    arch_mm, cup_mm, base_mm = params.arch_mm, params.heel_cup_mm, params.thickness_mm

    def top(X: np.ndarray, Y: np.ndarray, V: np.ndarray) -> np.ndarray:
        # medial arch: raised cosine along x (navicular region), rising towards the medial edge (v -> 1)
        along = np.clip((X - 0.17 * length_mm) / (0.51 * length_mm), 0.0, 1.0)
        arch = arch_mm * np.sin(np.pi * along) ** 2 * smoothstep((V - 0.3) / 0.6)
        # heel cup: rim rising towards the outline, fading out over the rear third of the foot
        edge_mm = shapely.distance(shapely.points(X.ravel(), Y.ravel()), boundary).reshape(X.shape)
        rim = np.clip(1.0 - edge_mm / HEEL_CUP_RIM_MM, 0.0, 1.0) ** 2
        heel = 1.0 - smoothstep((X - 0.16 * length_mm) / (0.18 * length_mm))
        return base_mm + arch + cup_mm * rim * heel

    report(on_progress, "surface", 0.4)
    mesh = slab_mesh(x, y_lat, y_med, 26, top)
    if params.side == "left":
        mesh = mirror_y(mesh)
    report(on_progress, "done", 1.0)
    return mesh


def insole_parts(params: InsoleParams, *,
                 on_progress: Callable[[str, float], None] | None = None) -> dict[str, trimesh.Trimesh]:
    """The insole is one part: ``{"insole": mesh}`` (see :func:`insole`)."""
    return {"insole": insole(params, on_progress=on_progress)}


def part_materials(params: InsoleParams) -> dict[str, dict]:
    """Material id and ``#rrggbb`` colour of the one part, keyed like :func:`insole_parts`."""
    return {"insole": {"material": params.material, "color": params.color}}


def expected_dimensions(params: InsoleParams) -> dict:
    """What the built insole must measure (mm)."""
    return {
        "length_mm": params.total_length_mm,
        "width_mm": params.foot.ball_width_mm,
        "thickness_mm": params.thickness_mm,
        "max_height_mm": params.thickness_mm + max(params.arch_mm, params.heel_cup_mm),
    }
