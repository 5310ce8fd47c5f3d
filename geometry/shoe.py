"""
Shoe in three printable parts: an upper shelled around a last (with a collar opening and optional
engraved initials), a midsole (solid, or a honeycomb graded from heel to toe) and an outsole with a tread.

Frame: heel at x=0, toe towards +x, sole bottom on z=0, +z up, mm. Built for the right foot and
mirrored in y for the left.

The last (the inside of the shoe) comes from the foot measurements plus these allowances:

* toe room: the ``toe_allowance_mm`` option, added in front of the longest toe;
* girth ease: :data:`BALL_GIRTH_EASE_MM` / :data:`INSTEP_GIRTH_EASE_MM` added to the measured girths;
* heel pitch: the ``heel_height_mm`` option, how much higher the footbed is under the heel than
  under the ball (a smooth ramp between 22 % and 62 % of the foot length);
* toe spring: :data:`TOE_SPRING_MM`, the lift of the toe tip off the ground, rising smoothly from
  the ball line (:data:`TOE_SPRING_START`) to the tip; applied to the last and the sole alike.

Parts are cut from common solids so that they touch without overlapping; a
:data:`CONTACT_GAP_MM` gap keeps coincident vertices of different parts apart in exported files.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import manifold3d
import numpy as np
import shapely
import trimesh

from . import engraving, lattice
from ._manifold import cross_section, prism, to_manifold, to_trimesh
from ._shape import (BALL_SLOPE, BELOW_FRACTION, EXPONENT_ABOVE, EXPONENT_BELOW, PlanProfile, end_rounding, mirror_y,
                     pchip, report, section_girth, section_points, section_shape, skew_factor, slab_mesh, smoothstep,
                     stations, tube_mesh, TOE_SHAPES)
from .measurements import BALL_RANGE, INSTEP_AT, hull_perimeter
from .last_from_scan import SampledPlan, shaped_last
from .errors import ParameterError
from .foot import FootMeasurements
from .materials import MATERIAL_KEYS
from .params import OptionSpec, Params, option_defaults
from .printers import DEFAULT_PRINTER, PRINTER_PROFILES, longest_part_mm

MIN_BALL_HEIGHT_MM = 18.0  # flattest last we make (very low girth/width ratios would give less)
WELT_MM = 2.0           # how far the sole sticks out beyond the upper
STATIONS = 110          # sections along the last
AROUND = 72             # points per section
SOLE_STATIONS = 90      # grid stations along the sole
SOLE_ACROSS = 16        # grid points across the sole

BALL_GIRTH_EASE_MM = 4.0
"""Default girth ease (the ``girth_ease_mm`` option): the last's ball and instep girths are the measured ones
plus this (a casual fit)."""
INSTEP_GIRTH_EASE_MM = BALL_GIRTH_EASE_MM
"""Girth ease at the instep with default options (kept for older callers: the same option sets both)."""
INSTEP_ROOM_MM = 0.0
"""Default extra height over the instep (the ``instep_room_mm`` option)."""
THROAT_FRACTION = 0.62
"""The collar opening ends at the throat, this fraction of the foot length from the heel ..."""
THROAT_HEIGHT_FRACTION = 0.72
"""... this fraction of the last's height up ..."""
THROAT_RADIUS_MM = 12.0
"""... rounded with this radius."""
TOE_SPRING_MM = 4.0
"""Toe spring: how far the toe tip is lifted off the ground (a rocker that eases the roll-off)."""
TOE_SPRING_START = 0.72
"""Where the toe spring starts, as a fraction of the foot length (the ball line)."""
TOE_BOX_HEIGHT = 0.62
"""The toe box's height (at 0.88 L) as a share of the ball height (limited to 16-30 mm)."""
CONTACT_GAP_MM = 0.01
"""Gap between neighbouring parts: they touch for printing purposes but share no vertex."""
FOOTBED_SHARE = 0.5
"""Share of the upper's bottom wall kept as the upper's footbed layer; the rest is overlapped by the sole."""
OUTSOLE_SHARE = 0.4
"""The outsole's share of the sole height under the forefoot (limited to 1.5–3.5 mm)."""
TREAD_DEPTH_MM = 1.2
"""Depth of the tread grooves (at most 45 % of the outsole)."""
TREAD_PITCH_MM = 9.0
"""Distance between tread grooves along the foot."""
TREAD_WIDTH_MM = 2.5
"""Width of one tread groove."""
TREAD_CHEVRON = 0.35
"""Slope of the chevron grooves (x change per mm of y): they point towards the toe."""
TREAD_EDGE_MM = 3.0
"""Grooves stop this far inside the outsole's edge, so the side wall stays closed."""
ENGRAVE_DEPTH_MM = 0.8
"""Depth of the engraved initials (the upper wall is at least 1.5 mm)."""
LETTER_HEIGHT_MM = 8.0
"""Cap height of the engraved initials."""
LETTER_HEIGHT_FRACTION = 0.42
"""Centre of the initials above the heel footbed, as a fraction of the collar height."""

SHOE_OPTIONS = (
    OptionSpec("toe_allowance_mm", "Toe allowance", "number", 12.0, unit="mm", min=5.0, max=25.0, step=0.5,
               # the shoe must fit the printer: the most toe room depends on the foot and the wall
               driven_by=("length_mm",), constrained_by=("length_mm", "wall_thickness_mm"),
               help="Room in front of the longest toe; the inside is foot length + this long."),
    # At least 1.8 mm: the footbed keeps FOOTBED_SHARE of the wall, and 0.9 mm is the thinnest layer a
    # 0.4 mm nozzle prints reliably (two lines, 0.8 mm) with margin; 1.5 mm measured 0.74 mm there.
    OptionSpec("girth_ease_mm", "Girth ease", "number", BALL_GIRTH_EASE_MM, unit="mm", min=0.0, max=16.0, step=0.5,
               help="Room around the foot: the shoe's ball and instep girths are your foot's plus this "
                    f"({BALL_GIRTH_EASE_MM:g} mm is a casual fit; more for thick socks or a foot that swells)."),
    OptionSpec("instep_room_mm", "Instep room", "number", INSTEP_ROOM_MM, unit="mm", min=0.0, max=10.0, step=0.5,
               help="Extra height over the instep, for a high instep or a padded tongue."),
    OptionSpec("wall_thickness_mm", "Wall thickness", "number", 2.0, unit="mm", min=1.8, max=4.0, step=0.1,
               help="Thickness of the upper."),
    OptionSpec("sole_thickness_mm", "Sole thickness", "number", 8.0, unit="mm", min=4.0, max=20.0, step=0.5,
               help="From the ground to the footbed under the forefoot."),
    OptionSpec("heel_height_mm", "Heel height", "number", 10.0, unit="mm", min=0.0, max=40.0, step=1.0,
               help="How much higher the footbed is at the heel than under the forefoot (heel pitch)."),
    OptionSpec("toe_shape", "Toe shape", "choice", "round", choices=tuple(TOE_SHAPES),
               help="Plan shape of the toe box."),
    OptionSpec("midsole", "Midsole", "choice", "lattice", choices=("solid", "lattice"),
               help="Solid, or a honeycomb lattice that is denser under the heel than under the forefoot."),
    OptionSpec("lattice_density", "Lattice density", "number", 0.45, min=0.2, max=0.8, step=0.05,
               help="Solid fraction of the lattice under the heel; it falls over the midfoot to "
                    f"{lattice.TOE_DENSITY_RATIO:g} times that under the forefoot (more flexible there)."),
    OptionSpec("collar_height_mm", "Collar height", "number", 60.0, unit="mm", min=40.0, max=90.0, step=1.0,
               help="Height of the collar at the back of the heel, above the footbed."),
    OptionSpec("initials", "Initials", "text", "", max_length=3, pattern=engraving.INITIALS_PATTERN,
               uppercase=True, help="Up to 3 letters A–Z or digits 0–9 engraved on the heel; empty for none."),
    OptionSpec("upper_color", "Upper colour", "color", "#c8553d", help="Colour of the upper."),
    OptionSpec("upper_material", "Upper material", "choice", "tpu_95a", choices=MATERIAL_KEYS,
               help="Material of the upper."),
    OptionSpec("sole_color", "Sole colour", "color", "#2f2f2f", help="Colour of the midsole and outsole."),
    OptionSpec("sole_material", "Sole material", "choice", "tpu_95a", choices=MATERIAL_KEYS,
               help="Material of the midsole and outsole."),
)

PART_NAMES = ("upper", "midsole", "outsole")
"""The shoe's parts, in build and export order."""


MAX_PRINT_LENGTH_MM = longest_part_mm(DEFAULT_PRINTER)
"""The longest shoe the default printer's plates take (from the printers registry; laid diagonally not counted)."""
SHOE_OPTION_LOW_TOE_MM = next(spec.min for spec in SHOE_OPTIONS if spec.name == "toe_allowance_mm")


_DEFAULTS = option_defaults(SHOE_OPTIONS)


@dataclass(frozen=True)
class ShoeParams(Params):
    """Everything that determines one shoe (one side)."""

    foot: FootMeasurements
    side: str
    # option defaults come from SHOE_OPTIONS, where each is declared once
    toe_allowance_mm: float = _DEFAULTS["toe_allowance_mm"]
    girth_ease_mm: float = _DEFAULTS["girth_ease_mm"]
    instep_room_mm: float = _DEFAULTS["instep_room_mm"]
    wall_thickness_mm: float = _DEFAULTS["wall_thickness_mm"]
    sole_thickness_mm: float = _DEFAULTS["sole_thickness_mm"]
    heel_height_mm: float = _DEFAULTS["heel_height_mm"]
    toe_shape: str = _DEFAULTS["toe_shape"]
    midsole: str = _DEFAULTS["midsole"]
    lattice_density: float = _DEFAULTS["lattice_density"]
    collar_height_mm: float = _DEFAULTS["collar_height_mm"]
    initials: str = _DEFAULTS["initials"]
    upper_color: str = _DEFAULTS["upper_color"]
    upper_material: str = _DEFAULTS["upper_material"]
    sole_color: str = _DEFAULTS["sole_color"]
    sole_material: str = _DEFAULTS["sole_material"]

    OPTIONS = SHOE_OPTIONS  # class attribute (no annotation): not a dataclass field
    OPTION_ALIASES = {"color": "upper_color"}  # stored designs from before the parts had one "color"

    def __post_init__(self) -> None:
        super().__post_init__()
        # A combination of foot and options can be too long for any plate we print on: refuse it here,
        # naming the option the customer can change, rather than fail at the printer.
        walls_mm = 2 * (self.wall_thickness_mm + WELT_MM)
        outer_mm = self.inner_length_mm + walls_mm
        if outer_mm > MAX_PRINT_LENGTH_MM:
            most_mm = MAX_PRINT_LENGTH_MM - self.foot.length_mm - walls_mm
            low_mm = SHOE_OPTION_LOW_TOE_MM
            allowed = (f"{low_mm:g}–{most_mm:.1f} mm for this foot" if most_mm >= low_mm
                       else f"none: a {self.foot.length_mm:g} mm foot is too long for the printer")
            bed_mm = max(PRINTER_PROFILES[DEFAULT_PRINTER].bed_mm)
            # the code and numbers let the web side say the same in the reader's language (error_messages.py)
            numbers = {"length": round(outer_mm, 1), "bed": bed_mm, "max": MAX_PRINT_LENGTH_MM}
            raise ParameterError(
                "toe_allowance_mm",
                f"the shoe would be {outer_mm:.1f} mm long: too large for our printers (their "
                f"{bed_mm:g} mm plates take shoes up to {MAX_PRINT_LENGTH_MM:g} mm)",
                value=self.toe_allowance_mm, allowed=allowed,
                code="too_large_for_printers" if most_mm >= low_mm else "too_large_for_printers_foot",
                params={**numbers, "min": low_mm, "most": round(most_mm, 1)} if most_mm >= low_mm
                else {**numbers, "foot": self.foot.length_mm})

    @property
    def inner_length_mm(self) -> float:
        return self.foot.length_mm + self.toe_allowance_mm

    @property
    def color(self) -> str:
        """Single colour for whole-shoe previews (kept for older callers): the upper's."""
        return self.upper_color


@dataclass(frozen=True, eq=False)
class Last:
    """
    The inside shape of the shoe (right foot), as smooth functions of x: the one geometry the shoe is
    built from and the fit check measures against.

    ``plan`` gives the parametric outline; ``height_k_mm`` the section heights above the footbed at ``xk_mm``.
    Each section is two superellipses sharing the widest line (:data:`EXPONENT_BELOW` below, above
    :data:`EXPONENT_ABOVE` at the heel blending to :data:`._shape.FOREFOOT_EXPONENT_ABOVE` leant medially by
    :data:`._shape.MEDIAL_SKEW` in the forefoot, see :meth:`section_shape`; the avatar's sections are the same).
    A last shaped by a scan (see :mod:`.last_from_scan`) adds ``shaping``: a smooth radial offset of every
    section, as a function of x and of the angle around the section's centre.

    Positions called *sprung* include the toe spring (the last as built into the shoe, see :meth:`cavity`).
    """

    plan: PlanProfile
    xk_mm: tuple
    height_k_mm: tuple
    length_mm: float
    sole_thickness_mm: float
    heel_height_mm: float
    collar_height_mm: float = 60.0
    spring_end_mm: float = 0.0
    shaping: object | None = None  # last_from_scan.Shaping: offset_mm(x, angle)

    def footbed_mm(self, x_mm: np.ndarray) -> np.ndarray:
        """Height of the footbed (last bottom): heel raised, ramping down to the forefoot."""
        ramp = smoothstep((np.asarray(x_mm, float) - 0.22 * self.length_mm) / (0.40 * self.length_mm))
        return self.sole_thickness_mm + self.heel_height_mm * (1.0 - ramp)

    def spring_mm(self, x_mm: np.ndarray) -> np.ndarray:
        """Lift of the last and the sole by the toe spring at ``x_mm`` (see :func:`toe_spring_mm`)."""
        end = self.spring_end_mm or self.plan.end_mm
        return toe_spring_mm(x_mm, foot_length_mm=self.length_mm, end_mm=end)

    def height_mm(self, x_mm: np.ndarray, grow_mm: float = 0.0) -> np.ndarray:
        """Section height (bottom to top), rounded down to the toe tip; ``grow_mm`` adds a wall."""
        body = pchip(self.xk_mm, self.height_k_mm, x_mm) + 2 * grow_mm
        toe_radius = 0.8 * self.height_k_mm[-1] + grow_mm
        rounding = end_rounding(self.plan.end_mm + grow_mm - np.asarray(x_mm, float), toe_radius, 2.0)
        return np.maximum(body * rounding, 2 * self.plan.min_half_mm)

    def bottom_grow_mm(self, grow_mm: float) -> float:
        """The upper's bottom wall: at most half the sole, so the sole always covers it."""
        return min(grow_mm, 0.5 * self.sole_thickness_mm)

    def sections(self, x_mm: np.ndarray, grow_mm: float = 0.0, *, sprung: bool = True) -> tuple:
        """
        The parametric sections at ``x_mm`` (before any shaping).

        Returns
        -------
        centre_mm, half_mm, z_mid_mm, below_mm, above_mm : (n,) float
          Centre (y) and half width of the widest line, its height, and the section's reach below and above it.
        """
        x_mm = np.asarray(x_mm, float)
        centre, half = self.plan.grown(grow_mm).centre_half(x_mm)
        height = self.height_mm(x_mm, grow_mm)
        below = BELOW_FRACTION * height
        z_mid = self.footbed_mm(x_mm) - self.bottom_grow_mm(grow_mm) + below
        if sprung:
            z_mid = z_mid + self.spring_mm(x_mm)
        return centre, half, z_mid, below, height - below

    def radius_mm(self, x_mm: np.ndarray, angle: np.ndarray, grow_mm: float = 0.0) -> np.ndarray:
        """
        Distance from the section's centre (on its widest line) to its edge, along ``angle`` (radians from +y
        towards +z), shaping included.
        """
        _, half, _, below, above = self.sections(x_mm, grow_mm, sprung=False)
        return self._radius(x_mm, angle, half, below, above)

    def section_shape(self, x_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """
        The upper half's superellipse exponent and medial lean (:func:`._shape.skew_factor`) of the sections at
        ``x_mm``: the heel's round dome blending (:data:`._shape.FOREFOOT_BLEND`) into the forefoot's lower, medially
        leant tent.

        Returns
        -------
        exponent_above, skew : float arrays, shape of ``x_mm``
        """
        return section_shape(x_mm, self.length_mm)

    def _radius(self, x_mm, angle, half, below, above) -> np.ndarray:
        """:meth:`radius_mm` with the sections at ``x_mm`` already known."""
        cos, sin = np.abs(np.cos(angle)), np.sin(angle)
        upper = sin >= 0
        exponent_above, skew = self.section_shape(x_mm)
        p = np.where(upper, exponent_above, EXPONENT_BELOW)
        size = np.where(upper, above, below)
        with np.errstate(divide="ignore"):
            radius = ((cos / half) ** p + (np.abs(sin) / size) ** p) ** (-1.0 / p) * skew_factor(angle, skew)
        if self.shaping is not None:
            radius = radius + self.shaping.offset_mm(x_mm, angle, radius)
        return radius

    def tube(self, grow_mm: float = 0.0) -> trimesh.Trimesh:
        """The last (``grow_mm=0``) or its outward offset by ``grow_mm`` as a closed tube, without toe spring."""
        plan = self.plan.grown(grow_mm)
        x = stations(plan.start_mm, plan.end_mm, STATIONS)
        centre, half, z_mid, below, above = self.sections(x, grow_mm, sprung=False)
        exponent_above, skew = self.section_shape(x)
        mesh = tube_mesh(x, centre, half, z_mid, below, above, AROUND, EXPONENT_BELOW, exponent_above[:, None],
                         skew[:, None])
        if self.shaping is None:
            return mesh
        # move every ring point radially by the shaping at its x and angle; the flat bottom stays where it is
        vertices = np.array(mesh.vertices)
        rings = vertices[:len(x) * AROUND].reshape(len(x), AROUND, 3)
        dy, dz = rings[..., 1] - centre[:, None], rings[..., 2] - z_mid[:, None]
        radius = np.hypot(dy, dz)
        angle = np.arctan2(dz, dy)
        # (the offset of the last's own surface: a grown tube keeps its wall's thickness where the toe is scaled)
        offset = self.shaping.offset_mm(np.broadcast_to(x[:, None], radius.shape), angle,
                                        np.maximum(radius - grow_mm, 1e-3))
        scale = (radius + offset) / np.maximum(radius, 1e-9)
        rings[..., 1] = centre[:, None] + dy * scale
        rings[..., 2] = np.maximum(z_mid[:, None] + dz * scale, (z_mid - below)[:, None])
        vertices[:len(x) * AROUND] = rings.reshape(-1, 3)
        return trimesh.Trimesh(vertices=vertices, faces=mesh.faces, process=False)

    def cavity(self) -> trimesh.Trimesh:
        """The last as built into the shoe: :meth:`tube` with the toe spring."""
        mesh = self.tube()
        vertices = np.array(mesh.vertices)
        vertices[:, 2] += self.spring_mm(vertices[:, 0])
        return trimesh.Trimesh(vertices=vertices, faces=mesh.faces, process=False)

    def outline(self, grow_mm: float = 0.0):
        """
        Plan outline of the last (or of its offset by ``grow_mm``): the parametric plan, or for a shaped last
        the plan extent of its shaped sections. Either has ``start_mm``, ``end_mm``, ``(y_lat, y_med) = plan(x)``,
        ``centre_half``, ``polygon`` and ``grown``.
        """
        if self.shaping is None:
            return self.plan.grown(grow_mm)
        mesh = self.tube()
        rings = np.asarray(mesh.vertices)[:STATIONS * AROUND].reshape(STATIONS, AROUND, 3)
        return SampledPlan(rings[:, 0, 0], rings[..., 1].min(axis=1), rings[..., 1].max(axis=1)).grown(grow_mm)

    def inside(self, x_mm: np.ndarray, y_mm: np.ndarray, z_mm: np.ndarray) -> np.ndarray:
        """Whether sprung points (arrays broadcast together) are inside the last, evaluated on its sections."""
        x_mm = np.asarray(x_mm, float)
        centre, half, z_mid, below, above = self.sections(x_mm)  # once per x, before broadcasting
        dy, dz = np.asarray(y_mm, float) - centre, np.asarray(z_mm, float) - z_mid
        x_mm, half, below, above = np.broadcast_arrays(x_mm, half, below, above, dy)[:4]
        within = (x_mm >= self.plan.start_mm) & (x_mm <= self.plan.end_mm) & (dz >= -below)
        return within & (np.hypot(dy, dz) <= self._radius(x_mm, np.arctan2(dz, dy), half, below, above))

    def room_across(self, points: np.ndarray) -> np.ndarray:
        """
        Room across (along y) from each sprung point to the last's medial and lateral walls at its own x and
        height, found on the sections by bisection.

        Returns
        -------
        room_mm : (n, 2) float
          Towards the medial (+y) and the lateral wall; negative where the point is beyond that wall; -inf
          where the section's centre line at that height is outside the last (the point is above or below it).
        """
        x, y, z = np.asarray(points, float).reshape(-1, 3).T
        centre, half, z_mid, below, above = self.sections(x)
        dz = z - z_mid
        open_line = self.inside(x, centre, z)
        rooms = []
        for sign in (1.0, -1.0):
            low, high = np.zeros_like(x), np.full_like(x, 200.0)  # distance from the centre line along +-y
            for _ in range(24):  # 200 mm / 2^24: far below a micrometre
                middle = 0.5 * (low + high)
                inside = np.hypot(middle, dz) <= self._radius(x, np.arctan2(dz, sign * middle), half, below, above)
                low, high = np.where(inside, middle, low), np.where(inside, high, middle)
            wall = centre + sign * low
            rooms.append(sign * (wall - y))
        room = np.column_stack(rooms)
        return np.where(open_line[:, None], room, -np.inf)

    def collar_z(self, x_mm: np.ndarray) -> np.ndarray:
        """
        Height of the collar opening's edge at ``x_mm``: a line sloping from ``collar_height_mm`` above the heel
        footbed down to the throat, rounded by :data:`THROAT_RADIUS_MM`; +inf in front of the throat (where the
        upper closes over the foot). :func:`_collar_cutter` cuts along this line.
        """
        x_throat, radius, z_back, z_throat = self._throat()
        slope = (z_throat - z_back) / (x_throat - radius)
        x = np.asarray(x_mm, float)
        arc_dx = np.clip(x - (x_throat - radius), 0.0, radius)
        arc = z_throat + radius - np.sqrt(np.maximum(radius ** 2 - arc_dx ** 2, 0.0))
        return np.where(x < x_throat - radius, z_back + slope * x, np.where(x <= x_throat, arc, np.inf))

    def _throat(self) -> tuple[float, float, float, float]:
        """Throat x, rounding radius, collar height at the back and at the throat."""
        x_throat = THROAT_FRACTION * self.length_mm
        z_back = float(self.footbed_mm(0.0)) + self.collar_height_mm
        z_throat = float(self.footbed_mm(x_throat)
                         + THROAT_HEIGHT_FRACTION * self.height_mm(np.array([x_throat]))[0])
        return x_throat, THROAT_RADIUS_MM, z_back, z_throat


def _height_for_girth(half_width_mm: float, girth_mm: float, exponent_above: float = EXPONENT_ABOVE,
                      skew: float = 0.0) -> float:
    """
    Section height whose perimeter equals ``girth_mm`` at the given half width and shape (:meth:`Last.section_shape`;
    interpolated, monotone).
    """
    candidates = np.linspace(5.0, 200.0, 391)
    girths = section_girth(np.full_like(candidates, half_width_mm), BELOW_FRACTION * candidates,
                           (1 - BELOW_FRACTION) * candidates, EXPONENT_BELOW, float(exponent_above), float(skew))
    return float(np.interp(girth_mm, girths, candidates))  # girth grows monotonically with height


def _ball_girth_mm(plan: PlanProfile, xk_mm: tuple, height_k_mm: tuple, length_mm: float) -> float:
    """
    The ball girth of a flat last (no heel pitch) with these heights, taped as a foot's is (:mod:`.measurements`):
    round the convex hull of its section in the vertical plane through the points the ball-width caliper touches
    (the widest medial and lateral points of the widest line over :data:`.measurements.BALL_RANGE` x length,
    among the stations :meth:`Last.tube` builds).
    """
    probe = Last(plan, xk_mm, height_k_mm, length_mm, 0.0, 0.0)
    x = stations(plan.start_mm, plan.end_mm, STATIONS)  # the caliper touches the built last's sections
    x = x[(x >= BALL_RANGE[0] * length_mm) & (x <= BALL_RANGE[1] * length_mm)]
    # ... at their ring points: the medial lean bulges a tall section's medial side a little above its widest
    # line, so the medial contact is where the ring reaches furthest, not always the plan's widest point
    centre, half, _, below, above = probe.sections(x, sprung=False)
    exponent_above, skew = probe.section_shape(x)
    ring_y, _ = section_points(half, below, above, AROUND, EXPONENT_BELOW, exponent_above[:, None], skew[:, None])
    y_med, y_lat = centre + ring_y.max(axis=1), centre + ring_y.min(axis=1)
    medial = np.array([x[np.argmax(y_med)], y_med.max()])
    lateral = np.array([x[np.argmin(y_lat)], y_lat.min()])
    # the section in that plane: points along the line through both contacts (a little beyond them) ...
    along = (medial - lateral) / np.linalg.norm(medial - lateral)
    s = np.linspace(-15.0, np.linalg.norm(medial - lateral) + 15.0, 600)
    xy = lateral + s[:, None] * along
    centre, half, z_mid, below, above = probe.sections(xy[:, 0], sprung=False)
    # ... and at each the section's top and bottom at that distance from its centre line (bisection in height)
    dy = xy[:, 1] - centre
    inside = np.abs(dy) < half
    ends = []
    for sign, size in ((1.0, above), (-1.0, below)):
        low, high = np.zeros_like(dy), 2.0 * size
        for _ in range(30):
            middle = 0.5 * (low + high)
            within = np.hypot(dy, middle) <= probe._radius(xy[:, 0], np.arctan2(sign * middle, dy), half, below, above)
            low, high = np.where(within, middle, low), np.where(within, high, middle)
        ends.append(z_mid + sign * low)
    top, bottom = ends
    points = np.concatenate([np.column_stack([s, top])[inside], np.column_stack([s, bottom])[inside]])
    return hull_perimeter(points)


def last(params: ShoeParams, foot_mesh: trimesh.Trimesh | None = None) -> Last:
    """
    The last (inside of the shoe) for these parameters, right foot.

    Parameters
    ----------
    params : ShoeParams
    foot_mesh : trimesh.Trimesh, optional
      The scanned foot the measurements came from (canonical frame, mm, on ``params.side``'s side): the last then
      follows it below the ankle (:func:`.last_from_scan.shaped_last`). Without it, the parametric last of the six
      measurements.
    """
    foot = params.foot
    L = foot.length_mm
    plan = PlanProfile.for_foot(length_mm=L, total_length_mm=params.inner_length_mm,
                                ball_width_mm=foot.ball_width_mm, heel_width_mm=foot.heel_width_mm,
                                toe_shape=params.toe_shape)
    _, half = plan.centre_half(np.array([INSTEP_AT * L, 0.72 * L]))
    ease = params.girth_ease_mm
    shape = section_shape(np.array([INSTEP_AT * L, 0.72 * L]), L)
    instep_girth_h = _height_for_girth(half[0], foot.instep_girth_mm + ease, *(value[0] for value in shape))
    # the top falls across the ball line, from the 5th metatarsal head (0.64 L) to the 1st (0.72 L)
    xk = (0.0, 0.30 * L, INSTEP_AT * L, 0.64 * L, 0.72 * L, 0.88 * L, params.inner_length_mm)

    def heights(ball_h: float, instep_room_mm: float = 0.0) -> tuple:
        # the instep keeps its solved height whatever the ball's (the avatar's rule): a foot whose instep girth is
        # small against its ball girth gets a last that reads both, lower over the instep than at the ball line
        back_h, front_h = min((1.0 + BALL_SLOPE) * ball_h, instep_girth_h), (1.0 - BALL_SLOPE) * ball_h
        instep_h = instep_girth_h + instep_room_mm
        rear_h = max(params.collar_height_mm + 30.0, instep_h + 10.0)
        toe_h = float(np.clip(TOE_BOX_HEIGHT * ball_h, 16.0, 30.0))
        return (rear_h, rear_h, instep_h, back_h, front_h, toe_h, 0.75 * toe_h)

    # the ball girth is taped on the oblique plane through the metatarsal heads (geometry.measurements): find
    # the ball height whose last reads the foot's ball girth plus the ease there
    target = foot.ball_girth_mm + ease
    ball_h = _height_for_girth(half[1], target, *(value[1] for value in shape))  # the perpendicular section's: a first guess
    girth = _ball_girth_mm(plan, xk, heights(ball_h), L)
    step = -1.0
    for _ in range(8):  # secant steps: the oblique girth grows smoothly, almost linearly, with the ball height
        if abs(girth - target) < 0.02:
            break
        previous_h, previous_girth = ball_h, girth
        ball_h = max(ball_h + step, 1.0)
        girth = _ball_girth_mm(plan, xk, heights(ball_h), L)
        slope = (girth - previous_girth) / (ball_h - previous_h) if ball_h != previous_h else 2.0
        step = (target - girth) / max(slope, 0.5)
    ball_h = max(ball_h, MIN_BALL_HEIGHT_MM)
    hk = heights(ball_h, params.instep_room_mm)
    spring_end = plan.grown(params.wall_thickness_mm + WELT_MM).end_mm
    the_last = Last(plan, xk, hk, L, params.sole_thickness_mm, params.heel_height_mm, params.collar_height_mm,
                    spring_end)
    if foot_mesh is None:
        return the_last
    return shaped_last(the_last, foot_mesh, params)


def _collar_cutter(the_last: Last, collar_height_mm: float) -> manifold3d.Manifold:
    """
    Solid removed from the top rear to open the collar: everything above :meth:`Last.collar_z` (a line sloping
    from the heel collar height down to the throat, with a rounded front end).
    """
    x_throat, radius, z_back, z_throat = the_last._throat()
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


def toe_spring_mm(x_mm: np.ndarray, *, foot_length_mm: float, end_mm: float) -> np.ndarray:
    """
    Lift of everything at ``x_mm`` by the toe spring: 0 behind the ball line, rising as a squared
    smoothstep (so the bottom stays tangent to the ground at the ball) to :data:`TOE_SPRING_MM` at ``end_mm``.

    Returns
    -------
    lift_mm : (n,) float
    """
    start = TOE_SPRING_START * foot_length_mm
    return TOE_SPRING_MM * smoothstep((np.asarray(x_mm, float) - start) / (end_mm - start)) ** 2


def _sprung(mesh: trimesh.Trimesh, foot_length_mm: float, end_mm: float) -> manifold3d.Manifold:
    """``mesh`` with every vertex lifted by the toe spring (a shear along z: volume and topology stay)."""
    vertices = np.array(mesh.vertices, float)
    vertices[:, 2] += toe_spring_mm(vertices[:, 0], foot_length_mm=foot_length_mm, end_mm=end_mm)
    return to_manifold(trimesh.Trimesh(vertices=vertices, faces=mesh.faces, process=False))


def outsole_thickness_mm(the_last: Last, wall_mm: float) -> float:
    """Outsole thickness: :data:`OUTSOLE_SHARE` of the sole height under the forefoot, 1.5–3.5 mm."""
    forefoot_mm = the_last.sole_thickness_mm - (1.0 - FOOTBED_SHARE) * the_last.bottom_grow_mm(wall_mm)
    return float(np.clip(OUTSOLE_SHARE * forefoot_mm, 1.5, 3.5))


def _tread(outline: shapely.Polygon, length_mm: float) -> shapely.Geometry:
    """
    Plan shape of the tread grooves: chevrons across the sole pointing to the toe, every
    :data:`TREAD_PITCH_MM`, kept :data:`TREAD_EDGE_MM` inside the edge.
    """
    x0 = np.arange(-TREAD_PITCH_MM, length_mm + TREAD_PITCH_MM, TREAD_PITCH_MM)
    span = 200.0  # wider than any sole
    # (k, 3, 2): each chevron goes lateral end -> apex on y=0 -> medial end
    lines = np.stack([np.column_stack([x0 - TREAD_CHEVRON * span, np.full_like(x0, -span)]),
                      np.column_stack([x0, np.zeros_like(x0)]),
                      np.column_stack([x0 - TREAD_CHEVRON * span, np.full_like(x0, span)])], axis=1)
    grooves = shapely.union_all(shapely.buffer(shapely.linestrings(lines), TREAD_WIDTH_MM / 2, cap_style="flat"))
    return shapely.intersection(grooves, outline.buffer(-TREAD_EDGE_MM))


def _initials_cutter(params: ShoeParams, the_last: Last, outer: trimesh.Trimesh,
                     spring: dict) -> manifold3d.Manifold | None:
    """
    The initials as a solid to subtract from the upper: the letter shapes projected along x onto
    the back of the heel, limited to a layer :data:`ENGRAVE_DEPTH_MM` deep under the outer surface.
    Built in the right-foot frame; for the left foot the text is pre-mirrored so it reads right
    after the whole shoe is mirrored.
    """
    if not params.initials:
        return None
    wall = params.wall_thickness_mm
    letters = engraving.text_outline(params.initials, LETTER_HEIGHT_MM)
    length = 80.0
    solid = manifold3d.Manifold.extrude(cross_section(letters), length)
    y_centre = float(the_last.plan.centre_half(np.array([0.0]))[0][0])
    z_centre = float(the_last.footbed_mm(0.0)) + LETTER_HEIGHT_FRACTION * params.collar_height_mm
    # seen from behind (looking along +x, z up) the reader's right is -y; the left shoe is mirrored later
    u_to_y = -1.0 if params.side == "right" else 1.0
    matrix = np.array([[0.0, 0.0, 1.0, outer.bounds[0, 0] - 5.0],
                       [u_to_y, 0.0, 0.0, y_centre],
                       [0.0, 1.0, 0.0, z_centre]])
    letters_solid = solid.transform(matrix)
    # the layer reaches beyond the outer surface, so no cutter face lies on the upper's surface
    skin = _sprung(the_last.tube(wall + 2.0), **spring) - to_manifold(the_last.tube(wall - ENGRAVE_DEPTH_MM))
    return letters_solid ^ skin


def shoe_parts(params: ShoeParams, *, on_progress: Callable[[str, float], None] | None = None,
               foot_mesh: trimesh.Trimesh | None = None) -> dict[str, trimesh.Trimesh]:
    """
    Build the shoe's parts: heel at x=0, toe towards +x, sole bottom on z=0, units mm.

    The inside (cavity) is the last: ``foot.length_mm + toe_allowance_mm`` long from x=0. The
    upper is the last grown by ``wall_thickness_mm``, opened at the collar, resting on the sole;
    the sole follows the upper's outline plus a welt and is split into a midsole (solid or a
    graded honeycomb, see :mod:`.lattice`) and an outsole with chevron tread grooves.

    With ``foot_mesh`` (the scanned foot the measurements came from, canonical frame, mm) the last follows
    that foot below the ankle (see :func:`last` and :mod:`.last_from_scan`).

    Returns
    -------
    parts : dict of str to trimesh.Trimesh
      ``{"upper", "midsole", "outsole"}`` in that order; each watertight, one body, outward normals.
      Neighbouring parts are :data:`CONTACT_GAP_MM` apart. Medial side is +y for the right foot,
      -y for the left.
    """
    report(on_progress, "last", 0.05)
    wall = params.wall_thickness_mm
    L = params.foot.length_mm
    the_last = last(params, foot_mesh)
    outline_plan = the_last.outline()
    sole_plan = outline_plan.grown(wall + WELT_MM)
    end_mm = sole_plan.end_mm
    spring = dict(foot_length_mm=L, end_mm=the_last.spring_end_mm)
    outer_mesh = the_last.tube(wall)
    inner = _sprung(the_last.tube(), **spring)
    outer = _sprung(outer_mesh, **spring)
    report(on_progress, "sole", 0.2)
    x = stations(sole_plan.start_mm, sole_plan.end_mm, SOLE_STATIONS)
    y_lat, y_med = sole_plan(x)
    # the sole's top sits a little into the grown bottom wall (cutting exactly at the wall's bottom would be a
    # near-tangent cut leaving slivers): the upper keeps a footbed layer FOOTBED_SHARE of that wall thick
    sole_top_mm = (1.0 - FOOTBED_SHARE) * the_last.bottom_grow_mm(wall)
    sole = _sprung(slab_mesh(x, y_lat, y_med, SOLE_ACROSS, lambda X, Y, V: the_last.footbed_mm(X) - sole_top_mm),
                   **spring)
    # outsole envelope: a slab a little wider than the sole, from below the floor to the outsole top
    outsole_mm = outsole_thickness_mm(the_last, wall)
    wide = outline_plan.grown(wall + WELT_MM + 2.0)
    xw = stations(wide.start_mm, wide.end_mm, SOLE_STATIONS)
    yw_lat, yw_med = wide(xw)
    envelope = _sprung(slab_mesh(xw, yw_lat, yw_med, SOLE_ACROSS, lambda X, Y, V: np.full_like(X, outsole_mm),
                                 bottom_mm=-5.0), **spring)
    depth = min(TREAD_DEPTH_MM, 0.45 * outsole_mm)
    floor = _sprung(slab_mesh(xw, yw_lat, yw_med, SOLE_ACROSS, lambda X, Y, V: np.full_like(X, depth),
                              bottom_mm=-5.0), **spring)
    outline = shapely.Polygon(sole_plan.polygon(200))
    grooves = prism(_tread(outline, end_mm), -10.0, 50.0) ^ floor
    outsole = manifold3d.Manifold.batch_boolean([sole ^ envelope, grooves], manifold3d.OpType.Subtract)
    report(on_progress, "outsole", 0.35)

    cutters = [envelope.translate((0.0, 0.0, CONTACT_GAP_MM))]
    if params.midsole == "lattice":
        holes = lattice.honeycomb_holes(outline, foot_length_mm=L, heel_density=params.lattice_density)
        cutters.append(prism(holes, -10.0, 200.0))
    midsole = manifold3d.Manifold.batch_boolean([sole] + cutters, manifold3d.OpType.Subtract)
    report(on_progress, "midsole", 0.55)

    upper_cutters = [inner, _collar_cutter(the_last, the_last.collar_height_mm),
                     sole.translate((0.0, 0.0, CONTACT_GAP_MM))]
    initials = _initials_cutter(params, the_last, outer_mesh, spring)
    if initials is not None:
        upper_cutters.append(initials)
    upper = manifold3d.Manifold.batch_boolean([outer] + upper_cutters, manifold3d.OpType.Subtract)
    report(on_progress, "upper", 0.85)

    parts = {"upper": to_trimesh(upper), "midsole": to_trimesh(midsole), "outsole": to_trimesh(outsole)}
    if params.side == "left":
        parts = {name: mirror_y(mesh) for name, mesh in parts.items()}
    report(on_progress, "done", 1.0)
    return parts


def shoe(params: ShoeParams, *, on_progress: Callable[[str, float], None] | None = None,
         foot_mesh: trimesh.Trimesh | None = None) -> trimesh.Trimesh:
    """
    The whole shoe as one mesh (the parts of :func:`shoe_parts` concatenated, for previews).

    Returns
    -------
    mesh : trimesh.Trimesh
      Watertight (each part closed), heel at x=0, sole bottom on z=0.
    """
    return trimesh.util.concatenate(list(shoe_parts(params, on_progress=on_progress, foot_mesh=foot_mesh).values()))


def part_materials(params: ShoeParams) -> dict[str, dict]:
    """Material id and ``#rrggbb`` colour of each part, keyed like :func:`shoe_parts`."""
    sole = {"material": params.sole_material, "color": params.sole_color}
    return {"upper": {"material": params.upper_material, "color": params.upper_color},
            "midsole": dict(sole), "outsole": dict(sole)}


def expected_dimensions(params: ShoeParams) -> dict:
    """What the built shoe must measure (mm)."""
    wall = params.wall_thickness_mm
    return {
        "inner_length_mm": params.inner_length_mm,
        "inner_width_mm": params.foot.ball_width_mm,
        "inner_heel_width_mm": params.foot.heel_width_mm,
        "inner_ball_girth_mm": params.foot.ball_girth_mm + params.girth_ease_mm,
        "length_mm": params.inner_length_mm + 2 * (wall + WELT_MM),
        "width_mm": params.foot.ball_width_mm + 2 * (wall + WELT_MM),
        "sole_thickness_mm": params.sole_thickness_mm,
        "heel_height_mm": params.heel_height_mm,
        "wall_thickness_mm": wall,
        "collar_height_mm": params.collar_height_mm,
        "toe_spring_mm": TOE_SPRING_MM,
    }
