"""
A foot-shaped stand-in ("avatar") built from the six measurements: what fit checks use when there is
no scan, and what a shopper sees inside the product.

Frame: heel at x=0, toe towards +x, standing on z=0, +z up, mm. Built for the right foot (medial side
+y) and mirrored in y for the left, like the products.

How it is made (all from :mod:`._shape`, the building blocks of the shoe's last):

* plan: :meth:`.PlanProfile.for_foot` with the foot's own length (no toe allowance), ball width and
  heel width; so the avatar is exactly ``length_mm`` long and ``ball_width_mm`` wide;
* sections: the last's superelliptic sections (flat below, rounder above, the forefoot's leant towards the big toe:
  :func:`._shape.section_shape`); the height at the instep
  (:data:`INSTEP_STATION`) is solved so that the section's perimeter -- what a tape measure reads -- is
  the instep girth, and the height at the ball (:data:`BALL_STATION`) so that the tape in the ball
  girth's oblique plane through the metatarsal heads (:func:`.measurements.ball_girth_mm`) reads the
  ball girth: the avatar, measured as a scan, reads back what it was built from;
* toes: the top falls from the ball to a toe height (:data:`TOE_HEIGHT_FRACTION` of the ball height)
  and the toe tip is rounded in side view, its bottom curving up off the floor;
* heel: rounded in side view (radius :data:`HEEL_ROUND_FRACTION` of the length) and rounder in section
  than the forefoot (the heel pad: :data:`HEEL_EXPONENT_BELOW`, blending to the flat forefoot section
  before the instep), so that it sits in the heel of the last as a heel does;
* medial arch: the underside is lifted by ``arch_height_mm`` on the medial side, peaking at
  :data:`ARCH_PEAK` and fading to zero at the instep station, so that the instep section stays the
  tape-measure section the last is built from (the section is squashed from below, the top stays);
* ankle: a tapered elliptic stub on the heel, up to :data:`LEG_TOP_FRACTION` of the length.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import manifold3d
import numpy as np
import trimesh

from ._manifold import to_manifold, to_trimesh
from ._shape import (BALL_SLOPE, BELOW_FRACTION, EXPONENT_BELOW, PlanProfile, end_rounding, mirror_y, pchip,
                     section_points, section_shape, smoothstep, stations, tube_mesh)
from .errors import ParameterError
from .foot import FootMeasurements
from .measurements import BALL_RANGE, INSTEP_AT

STATIONS = 72           # sections along the foot (landmark stations are added to these)
AROUND = 48             # points per section
HEEL_EXPONENT_BELOW = 3.0  # the underside is rounder under the heel (the heel pad) than the last's flat
HEEL_BLEND = (0.28, 0.47)
"""The underside blends from the heel pad's (:data:`HEEL_EXPONENT_BELOW`) to the flat :data:`EXPONENT_BELOW` between
these fractions of the length. Two limits set it: ending later (0.55) leaves the lateral midfoot of a high instep up
to 1 mm off the floor (a rounder underside under a tall section); ending sooner (0.40) fills the rear midfoot's
lower sides, which then press 1.5 mm into the last (flat underneath) of a shoe with a high collar."""
MIN_HEIGHT_MM = 12.0    # flattest ball / instep section we make

BALL_STATION = 0.72
"""Where the ball height knot is, as a fraction of the length (the ball girth is taped obliquely, see
:func:`.measurements.ball_girth_mm`)."""
INSTEP_STATION = INSTEP_AT
"""Where the instep girth is measured, as a fraction of the length from the heel (the last uses the same)."""
READ_BACK_TOLERANCE_MM = 0.2
"""The avatar's shape is refined until, measured as a scan, it reads its measurements within this ..."""
MAX_STEPS = 8
"""... or for this many builds."""
REAR_STATION = 0.25
"""Behind this the foot body keeps its rear height (the ankle stub stands on it)."""
TOE_STATION = 0.88
"""Where the toes reach their height."""
TOE_HEIGHT_FRACTION = 0.55
"""Height of the toes as a fraction of the ball height (kept within 14–26 mm)."""
TOE_CENTRE_FRACTION = 0.4
"""Height of the toe tip above the floor, as a fraction of the toe height."""
TOE_ROUND_FRACTION = 0.6
"""Length of the toe tip's rounding in side view, as a fraction of the toe height."""
HEEL_ROUND_FRACTION = 0.055
"""Radius of the heel's rounding in side view (where the heel pad meets the back), fraction of the length."""
BACK_ROUND_FRACTION = 0.12
"""Length of the rounding of the body's top at the back (behind the ankle stub), fraction of the length."""
BACK_LOW_FRACTION = 0.45
"""Height of the body at the very back, as a fraction of its rear height (the ankle stub rises above)."""
ARCH_START, ARCH_PEAK, ARCH_END = 0.15, 0.40, 0.55
"""The medial arch rises from ARCH_START to full height at ARCH_PEAK and falls to zero at ARCH_END (x / length)."""
ARCH_ACROSS = (0.35, 0.75)
"""Across the foot (0 lateral edge, 1 medial edge) the arch lift rises from zero to full between these."""
LEG_TOP_FRACTION = 0.40
"""Top of the ankle stub, as a fraction of the length."""
LEG_CENTRE, LEG_HALF_DEPTH = 0.17, 0.145
"""Centre and half depth (along x) of the ankle stub, as fractions of the length."""
LEG_HALF_WIDTH = 0.40
"""Half width of the ankle stub, as a fraction of the heel width."""
LEG_TAPER = (0.85, 0.9)
"""Scale of the stub's top section against its bottom, along x and y."""


@dataclass(frozen=True)
class AvatarProfile:
    """
    The avatar's shape as smooth functions of x (right foot, flat on the floor).

    Attributes
    ----------
    plan : PlanProfile
      Plan outline, ``0 .. length_mm``.
    xk_mm, height_k_mm : tuple of float
      Knots of the section height (floor to top) before the toe rounding.
    """

    plan: PlanProfile
    length_mm: float
    heel_width_mm: float
    arch_height_mm: float
    xk_mm: tuple
    height_k_mm: tuple
    toe_height_mm: float

    def bottom_top(self, x_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """
        Underside and top of the section at ``x_mm`` before the arch lift.

        The top follows the height knots; near the toe tip both close in on a point
        :data:`TOE_CENTRE_FRACTION` of the toe height above the floor (an elliptic rounding), and at the
        back the top rounds down to :data:`BACK_LOW_FRACTION` of the rear height.

        Returns
        -------
        bottom_mm, top_mm : (n,) float
        """
        x_mm = np.asarray(x_mm, float)
        top = pchip(self.xk_mm, self.height_k_mm, x_mm)
        low = BACK_LOW_FRACTION * self.height_k_mm[0]
        top = low + end_rounding(x_mm, BACK_ROUND_FRACTION * self.length_mm, 2.0) * (top - low)
        centre = TOE_CENTRE_FRACTION * self.toe_height_mm
        f = end_rounding(self.length_mm - x_mm, TOE_ROUND_FRACTION * self.toe_height_mm, 2.0)
        return centre * (1.0 - f), centre + f * (top - centre)

    def arch_lift_mm(self, x_mm: np.ndarray, across: np.ndarray) -> np.ndarray:
        """
        Lift of the underside by the medial arch.

        Parameters
        ----------
        x_mm, across : (n,) float
          Position along the foot and across it (0 lateral edge, 1 medial edge).

        Returns
        -------
        lift_mm : (n,) float
          ``arch_height_mm`` under the medial edge at :data:`ARCH_PEAK`, zero outside the arch.
        """
        u = np.asarray(x_mm, float) / self.length_mm
        along = np.where(u < ARCH_PEAK, smoothstep((u - ARCH_START) / (ARCH_PEAK - ARCH_START)),
                         1.0 - smoothstep((u - ARCH_PEAK) / (ARCH_END - ARCH_PEAK)))
        medial = smoothstep((np.asarray(across, float) - ARCH_ACROSS[0]) / (ARCH_ACROSS[1] - ARCH_ACROSS[0]))
        return self.arch_height_mm * along * medial


def exponent_below(x_mm: np.ndarray, length_mm: float) -> np.ndarray:
    """Superellipse exponent of the section's lower half: round under the heel, flat from the midfoot on."""
    u = np.asarray(x_mm, float) / length_mm
    blend = smoothstep((u - HEEL_BLEND[0]) / (HEEL_BLEND[1] - HEEL_BLEND[0]))
    return HEEL_EXPONENT_BELOW + (EXPONENT_BELOW - HEEL_EXPONENT_BELOW) * blend


def _ring_perimeter(half_mm: np.ndarray, height_mm: np.ndarray) -> np.ndarray:
    """
    Perimeter of the (n,) mesh rings of these half widths and heights: the girth a section of the mesh has.
    For the flat forefoot sections (:data:`EXPONENT_BELOW`, :func:`._shape.section_shape` of the forefoot): both
    girth stations lie there.
    """
    exponent_above, skew = section_shape(1.0, 1.0)
    y, z = section_points(half_mm, BELOW_FRACTION * height_mm, (1 - BELOW_FRACTION) * height_mm, AROUND,
                          EXPONENT_BELOW, exponent_above, skew)
    return np.hypot(np.diff(y, axis=1, append=y[:, :1]), np.diff(z, axis=1, append=z[:, :1])).sum(axis=1)


def _height_for_girth(half_mm: float, girth_mm: float) -> float:
    """Section height whose ring perimeter is ``girth_mm`` (perimeter grows monotonically with height)."""
    candidates = np.linspace(1.0, 200.0, 797)
    girths = _ring_perimeter(np.full_like(candidates, half_mm), candidates)
    return float(np.interp(girth_mm, girths, candidates))


def _profile(length_mm: float, width_mm: float, heel_mm: float, ball_height_mm: float, instep_height_mm: float,
             arch_lift_mm: float) -> AvatarProfile:
    """The avatar's shape functions for a plan of these dimensions, section heights and arch lift."""
    L = length_mm
    plan = PlanProfile.for_foot(length_mm=L, total_length_mm=L, ball_width_mm=width_mm, heel_width_mm=heel_mm)
    ball, instep = max(ball_height_mm, MIN_HEIGHT_MM), max(instep_height_mm, MIN_HEIGHT_MM)
    rear = max(instep + 12.0, 0.24 * L)
    toe = min(float(np.clip(TOE_HEIGHT_FRACTION * ball, 14.0, 26.0)), 0.9 * ball)
    # the ball line runs from the 5th metatarsal head (the plan's lateral widest point, behind the 1st) to
    # BALL_STATION, the top falling over it, so that the oblique tape between the two heads crosses the ball
    fine = np.linspace(BALL_RANGE[0] * L, BALL_STATION * L, 401)
    lateral = float(fine[np.argmin(plan(fine)[0])])
    plateau = (lateral,) if INSTEP_STATION * L + 0.04 * L < lateral < BALL_STATION * L - 0.01 * L else ()
    xk = (0.0, REAR_STATION * L, INSTEP_STATION * L) + plateau + (BALL_STATION * L, TOE_STATION * L, L)
    # the top falls across the ball line as the last's does (_shape.BALL_SLOPE), when there is a line to fall over
    back, front = (min((1 + BALL_SLOPE) * ball, instep), (1 - BALL_SLOPE) * ball) if plateau else (ball, ball)
    hk = (rear, rear, instep) + (back,) * len(plateau) + (front, toe, 0.85 * toe)
    return AvatarProfile(plan, L, heel_mm, max(arch_lift_mm, 0.0), xk, hk, toe)


_SOLVED = ("length_mm", "ball_width_mm", "heel_width_mm", "ball_girth_mm", "instep_girth_mm", "arch_height_mm")


@lru_cache(maxsize=64)  # a design's build, fit and preview ask for the same feet; the body is never modified
def _solve(foot: FootMeasurements) -> tuple[AvatarProfile, trimesh.Trimesh]:
    """
    The profile and body that, measured as a scan (:func:`._scan_measure.measure_on_floor`: turned onto the
    footprint's own axis first), read back ``foot``.

    Six inputs are refined by secant steps, each against its own reading: plan length, width and heel
    width (the footprint's axis is a degree or two off the plan's x), the ball and instep section heights
    (the oblique ball tape crosses several sections, so there is no closed form) and the arch lift (the
    rounded underside adds to it near the edge). Starting from the typed values and the square sections
    whose perimeters are the girths, three or four steps bring every reading within
    :data:`READ_BACK_TOLERANCE_MM`.
    """
    from ._scan_measure import measure_on_floor  # the scan's measuring imports nothing from here

    L = foot.length_mm
    plan = PlanProfile.for_foot(length_mm=L, total_length_mm=L, ball_width_mm=foot.ball_width_mm,
                                heel_width_mm=foot.heel_width_mm)
    _, half = plan.centre_half(np.array([INSTEP_STATION * L, BALL_STATION * L]))
    target = np.array([getattr(foot, key) for key in _SOLVED])
    # first guesses with the typical corrections (ANSUR II avatars), so that two or three builds suffice: the
    # plan's x is ~1.9 degrees off the footprint's axis (length reads ~0.4 mm more, width ~1 mm less, the
    # heel ~2 mm more), the oblique tape reads ~5.5 % more than the square section, the arch ~1 mm more
    step = np.array([L - 0.4, foot.ball_width_mm + 1.0, foot.heel_width_mm - 1.8,
                     _height_for_girth(half[1], foot.ball_girth_mm / 1.055),
                     _height_for_girth(half[0], foot.instep_girth_mm / 1.003), foot.arch_height_mm - 1.1])
    slope = np.array([1.0, 1.0, 1.0, 1.25, 1.6, 1.0])  # reading per unit of input, near enough for the first step
    floor = np.array([0.5 * L, 0.5 * foot.ball_width_mm, 0.5 * foot.heel_width_mm, MIN_HEIGHT_MM, MIN_HEIGHT_MM, 0.0])
    previous = None
    for _ in range(MAX_STEPS):
        profile = _profile(*step)
        body = _body(profile)
        values = measure_on_floor(body).values
        error = np.array([values[key] for key in _SOLVED]) - target
        if (np.abs(error) <= READ_BACK_TOLERANCE_MM).all() or not np.isfinite(error).all():
            break
        if previous is not None:
            moved = step - previous[0]
            ok = np.abs(moved) > 1e-6
            slope = np.where(ok, np.clip((error - previous[1]) / np.where(ok, moved, 1.0), 0.3, 3.0), slope)
        previous = (step, error)
        step = np.maximum(step - error / slope, floor)
    return profile, body


def avatar_profile(foot: FootMeasurements) -> AvatarProfile:
    """The avatar's shape functions for these measurements (right foot)."""
    return _solve(foot)[0]


def _stations(profile: AvatarProfile) -> np.ndarray:
    """Stations along x: cosine-spaced, plus the landmarks (girth stations, arch peak, widest points)."""
    L = profile.length_mm
    fine = np.linspace(0.0, L, 2001)
    y_lat, y_med = profile.plan(fine)
    landmarks = [INSTEP_STATION * L, BALL_STATION * L, ARCH_PEAK * L, fine[np.argmax(y_med)], fine[np.argmin(y_lat)]]
    return np.union1d(stations(0.0, L, STATIONS), np.round(landmarks, 9))


def _body(profile: AvatarProfile) -> trimesh.Trimesh:
    """The foot without the ankle stub: lofted sections, arch lifted, heel rounded."""
    L = profile.length_mm
    x = _stations(profile)
    centre, half = profile.plan.centre_half(x)
    bottom, top = profile.bottom_top(x)
    height = np.maximum(top - bottom, 2 * profile.plan.min_half_mm)
    below = BELOW_FRACTION * height
    # per-station exponents and lean, (n, 1): section_points broadcasts them against the angles around
    exponent_above, skew = section_shape(x, L)
    mesh = tube_mesh(x, centre, half, bottom + below, below, height - below, AROUND,
                     exponent_below(x, L)[:, None], exponent_above[:, None], skew[:, None])
    vertices = np.array(mesh.vertices)
    vx, vy, vz = vertices.T
    # arch: squash each section from below on the medial side (underside up by the lift, top unmoved)
    c, h = profile.plan.centre_half(vx)
    across = np.clip((vy - (c - h)) / np.maximum(2 * h, 1e-9), 0.0, 1.0)
    b, t = profile.bottom_top(vx)
    share = np.clip((t - vz) / np.maximum(t - b, 1e-9), 0.0, 1.0)  # 1 on the underside, 0 on top
    lift = profile.arch_lift_mm(vx, across) * share
    # heel: pull the lower back forward along a quarter circle in side view, fading out towards the midfoot
    r = HEEL_ROUND_FRACTION * L
    dz = np.clip(r - vz, 0.0, r)
    pull = (r - np.sqrt(r * r - dz * dz)) * (1.0 - smoothstep(vx / (REAR_STATION * L)))
    vertices[:, 0] += pull
    vertices[:, 2] += lift
    return trimesh.Trimesh(vertices=vertices, faces=mesh.faces, process=False)


def _leg(profile: AvatarProfile, top_mm: float) -> manifold3d.Manifold:
    """The ankle stub: a tapered superelliptic column standing in the heel, up to ``top_mm``."""
    L = profile.length_mm
    theta = np.linspace(0.0, 2 * np.pi, 40, endpoint=False)
    p = 2.2
    cos, sin = np.cos(theta), np.sin(theta)
    section = np.column_stack([LEG_HALF_DEPTH * L * np.sign(cos) * np.abs(cos) ** (2 / p),
                               LEG_HALF_WIDTH * profile.heel_width_mm * np.sign(sin) * np.abs(sin) ** (2 / p)])
    x_c = LEG_CENTRE * L
    y_c = float(profile.plan.centre_half(np.array([x_c]))[0][0])
    rear = profile.height_k_mm[0]
    # start well inside the body: above the arch lift and the heel rounding, where the body is wider
    z0 = max(0.45 * rear, profile.arch_height_mm + 8.0)
    z1 = top_mm
    solid = manifold3d.Manifold.extrude(manifold3d.CrossSection([section]), z1 - z0, n_divisions=12,
                                        scale_top=LEG_TAPER)
    return solid.translate((x_c, y_c, z0))


def foot_avatar(foot: FootMeasurements, side: str) -> trimesh.Trimesh:
    """
    A watertight foot-shaped mesh with these measurements, standing on the floor.

    Parameters
    ----------
    foot : FootMeasurements
      The six measurements (mm).
    side : str
      ``"left"`` or ``"right"``.

    Returns
    -------
    mesh : trimesh.Trimesh
      Watertight, one body, outward normals; heel at x=0, toe tip at ``x = length_mm``, standing on
      z=0 (the lateral underside touches the floor, the medial arch is ``arch_height_mm`` up),
      ``ball_width_mm`` wide, ``heel_width_mm`` across the heel; measured as a scan
      (:mod:`.measurements`) it reads its ball and instep girths. Medial
      side +y for the right foot, -y for the left. About 8,000 triangles.

    Raises
    ------
    ParameterError
      ``side`` is not left or right, or ``foot`` is not a FootMeasurements.
    """
    if not isinstance(foot, FootMeasurements):
        raise ParameterError("foot", "foot must be a FootMeasurements", value=None,
                             allowed="the six foot measurements in mm")
    if side not in ("left", "right"):
        raise ParameterError("side", "side must be left or right", value=side, allowed="'left' or 'right'")
    profile, body = _solve(foot)
    mesh = to_trimesh(to_manifold(body) + _leg(profile, LEG_TOP_FRACTION * foot.length_mm))
    return mirror_y(mesh) if side == "left" else mesh
