"""
Shared, private building blocks: smooth 1-D profiles, the foot's plan outline, lofted tubes
and heightfield slabs. Everything is vectorised; all lengths are mm.

Frame: heel at x=0, toe towards +x, floor at z=0, +z up. Profiles are built for the RIGHT foot
(medial / big-toe side = +y); the left foot is the mirror image (see :func:`mirror_y`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import trimesh
from scipy.interpolate import CubicHermiteSpline, PchipInterpolator

ProgressFn = Callable[[str, float], None] | None

BELOW_FRACTION = 0.3
"""Share of a section's height below its widest line: the last's and the avatar's sections alike."""
EXPONENT_BELOW = 5.0
"""Superellipse exponent of a section's lower half: a flat underside."""
EXPONENT_ABOVE = 2.6
"""Superellipse exponent of a section's upper half: a rounded top."""


FOREFOOT_EXPONENT_ABOVE = 1.9
"""Superellipse exponent of the upper half of the sections from the instep forward (the heel's is
:data:`EXPONENT_ABOVE`): a foot's forefoot section is a low tent rising to a ridge, not a full dome, so at the
same girth the section is taller than the heel's shape would make it."""
MEDIAL_SKEW = 0.12
"""How far the forefoot sections lean towards the big toe (:func:`skew_factor`): the first metatarsal head and the
big toe stand higher than the fifth and the little toes."""
FOREFOOT_BLEND = (0.30, 0.50)
"""The section shape blends from the heel's to the forefoot's between these fractions of the foot length."""
BALL_SLOPE = 0.15
"""The section height falls across the ball line as a foot's does (no plateau): this share of the ball height
higher at the fifth metatarsal head (at most as high as the instep) and lower at the first."""


def section_shape(x_mm: np.ndarray, length_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """
    The upper half's superellipse exponent and medial lean (:func:`skew_factor`) of the sections at ``x_mm`` of a
    foot (or last) ``length_mm`` long: the heel's round dome blending (:data:`FOREFOOT_BLEND`) into the forefoot's
    lower, medially leant tent. The last's sections and the avatar's alike.

    Returns
    -------
    exponent_above, skew : float arrays, shape of ``x_mm``
    """
    w = smoothstep((np.asarray(x_mm, float) / length_mm - FOREFOOT_BLEND[0]) / (FOREFOOT_BLEND[1] - FOREFOOT_BLEND[0]))
    return EXPONENT_ABOVE + (FOREFOOT_EXPONENT_ABOVE - EXPONENT_ABOVE) * w, MEDIAL_SKEW * w


def skew_factor(angle, skew) -> np.ndarray:
    """
    Radial factor that leans a section's upper half towards the medial side (+y): ``1 + skew sin(2 angle)`` above
    the widest line (``angle`` in radians from +y towards +z), 1 below it. The widest line and the top centre stay;
    the medial shoulder fills out and the lateral one slims by the same share, so the girth barely changes while
    the section's peak moves medially, as a forefoot's does over the big toe's metatarsal.
    """
    angle = np.asarray(angle, float)
    return 1.0 + np.asarray(skew, float) * np.where(np.sin(angle) > 0.0, np.sin(2.0 * angle), 0.0)


def report(on_progress: ProgressFn, stage: str, fraction: float) -> None:
    """Call ``on_progress`` if given (fraction clipped to [0, 1])."""
    if on_progress is not None:
        on_progress(stage, float(min(max(fraction, 0.0), 1.0)))


def pchip(xk: np.ndarray, yk: np.ndarray, x: np.ndarray) -> np.ndarray:
    """
    Monotone piecewise-cubic (Fritsch–Carlson) interpolation: smooth, through every knot, no overshoot.

    scipy's :class:`~scipy.interpolate.PchipInterpolator` gives the slopes at the interior knots and
    :class:`~scipy.interpolate.CubicHermiteSpline` the curve; only the two end slopes are ours: the end
    segments' secants (scipy's own three-point end slopes would move the last and the insole by up to 1.2 mm).

    Parameters
    ----------
    xk : (k,) float
      Strictly increasing knots.
    yk : (k,) float
      Values at the knots.
    x : (n,) float
      Where to evaluate; clipped to ``[xk[0], xk[-1]]``.

    Returns
    -------
    y : (n,) float
    """
    xk, yk = np.asarray(xk, float), np.asarray(yk, float)
    slopes = PchipInterpolator(xk, yk)(xk, nu=1)                     # (k,) shape-preserving slopes
    slopes[[0, -1]] = np.diff(yk)[[0, -1]] / np.diff(xk)[[0, -1]]  # ends: the secant of the end segment
    return CubicHermiteSpline(xk, yk, slopes)(np.clip(np.asarray(x, float), xk[0], xk[-1]))


def smoothstep(u: np.ndarray) -> np.ndarray:
    """Cubic ease 0 -> 1 on ``u`` in [0, 1] (clipped outside)."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3 - 2 * u)


def end_rounding(d_mm: np.ndarray, radius_mm: float, exponent: float) -> np.ndarray:
    """
    Superelliptic end factor in [0, 1]: 0 at the end (``d_mm = 0``), 1 from ``radius_mm`` inwards.

    ``exponent`` 2 gives a circular end, below 2 a pointed one, above 2 a boxy one.
    """
    u = np.clip(1.0 - np.asarray(d_mm, float) / radius_mm, 0.0, 1.0)
    return (1.0 - u ** exponent) ** (1.0 / exponent)


def stations(x0_mm: float, x1_mm: float, count: int) -> np.ndarray:
    """
    Stations along x, denser near both ends (where the outline turns), exactly ``x0_mm`` .. ``x1_mm``.

    Returns
    -------
    x_mm : (count,) float
    """
    u = np.linspace(0.0, 1.0, count)
    s = 0.35 * u + 0.65 * (1.0 - np.cos(np.pi * u)) / 2.0
    return x0_mm + (x1_mm - x0_mm) * s


TOE_SHAPES = {
    # (medial, lateral) body half-width at the tip as a fraction of ball width,
    # toe rounding radius as a multiple of the tip half-width, rounding exponent
    "round": (0.38, 0.10, 1.15, 2.0),
    "almond": (0.32, 0.02, 1.9, 1.6),
    "square": (0.44, 0.26, 0.45, 3.2),
}


@dataclass(frozen=True)
class PlanProfile:
    """
    Plan-view (top view) outline of a right foot / last as two edges ``y_lat(x) < y_med(x)``.

    The body half-width and centre come from monotone splines through landmarks at fixed
    fractions of the foot length; both ends are rounded. ``grow_mm`` offsets the whole outline
    outwards (used for the shoe's outer surface and the sole) keeping the rounding centres.
    """

    x0_mm: float
    x1_mm: float
    xk_mm: tuple
    centre_k_mm: tuple
    half_k_mm: tuple
    heel_radius_mm: float
    toe_radius_mm: float
    toe_exponent: float
    min_half_mm: float = 0.6
    grow_mm: float = 0.0

    @classmethod
    def for_foot(cls, *, length_mm: float, total_length_mm: float, ball_width_mm: float, heel_width_mm: float,
                 toe_shape: str = "round") -> "PlanProfile":
        """Outline of a foot ``length_mm`` long, extended at the toe to ``total_length_mm``."""
        L, W, H = length_mm, ball_width_mm, heel_width_mm
        med_tip, lat_tip, toe_r, toe_q = TOE_SHAPES[toe_shape]
        xk = np.array([0.0, 0.16 * L, 0.40 * L, 0.64 * L, 0.72 * L, 0.84 * L, total_length_mm])
        med = np.array([H / 2, H / 2, 0.5 * (H / 2) + 0.15 * W, 0.47 * W, 0.50 * W, 0.47 * W, med_tip * W])
        lat = np.array([H / 2, H / 2, 0.5 * (H / 2) + 0.21 * W, 0.50 * W, 0.47 * W, 0.38 * W, lat_tip * W])
        centre, half = (med - lat) / 2, (med + lat) / 2
        profile = cls(0.0, float(total_length_mm), tuple(xk), tuple(centre), tuple(half),
                      heel_radius_mm=H / 2, toe_radius_mm=float(toe_r * half[-1]), toe_exponent=toe_q)
        # scale y so the bounding-box width is exactly the ball width, and centre it on y=0
        y_lat, y_med = profile(np.linspace(0.0, total_length_mm, 4001))
        scale = W / (y_med.max() - y_lat.min())
        centre = centre * scale
        half = half * scale
        profile = replace(profile, centre_k_mm=tuple(centre), half_k_mm=tuple(half))
        y_lat, y_med = profile(np.linspace(0.0, total_length_mm, 4001))
        shift = -(y_med.max() + y_lat.min()) / 2
        return replace(profile, centre_k_mm=tuple(centre + shift))

    def grown(self, grow_mm: float) -> "PlanProfile":
        """The outline offset outwards by ``grow_mm`` (ends move out by the same amount)."""
        return replace(self, grow_mm=self.grow_mm + grow_mm)

    @property
    def start_mm(self) -> float:
        return self.x0_mm - self.grow_mm

    @property
    def end_mm(self) -> float:
        return self.x1_mm + self.grow_mm

    def centre_half(self, x_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """
        Centre line and half-width of the outline.

        Returns
        -------
        centre_mm, half_mm : (n,) float
        """
        x_mm = np.asarray(x_mm, float)
        centre = pchip(self.xk_mm, self.centre_k_mm, x_mm)
        half = pchip(self.xk_mm, self.half_k_mm, x_mm) + self.grow_mm
        g = self.grow_mm
        rounding = (end_rounding(x_mm - self.start_mm, self.heel_radius_mm + g, 2.0)
                    * end_rounding(self.end_mm - x_mm, self.toe_radius_mm + g, self.toe_exponent))
        # keep a tiny flat at each end so that the end sections are not degenerate
        half = np.maximum(half * rounding, self.min_half_mm)
        return centre, half

    def __call__(self, x_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """
        Lateral and medial edges.

        Returns
        -------
        y_lat_mm, y_med_mm : (n,) float
        """
        centre, half = self.centre_half(x_mm)
        return centre - half, centre + half

    def polygon(self, count: int = 160) -> np.ndarray:
        """
        Closed outline, counter-clockwise.

        Returns
        -------
        outline : (2 * count, 2) float
        """
        x = stations(self.start_mm, self.end_mm, count)
        y_lat, y_med = self(x)
        return np.concatenate([np.column_stack([x, y_lat]), np.column_stack([x[::-1], y_med[::-1]])])


def _oriented(vertices: np.ndarray, faces: np.ndarray) -> trimesh.Trimesh:
    """Build a mesh and make its normals point outwards (positive volume)."""
    mesh = trimesh.Trimesh(vertices=vertices, faces=faces, process=False)
    if mesh.volume < 0:
        mesh = trimesh.Trimesh(vertices=vertices, faces=faces[:, ::-1], process=False)
    return mesh


def slab_mesh(x_mm: np.ndarray, y_lat_mm: np.ndarray, y_med_mm: np.ndarray, across: int,
              top_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
              bottom_mm: float = 0.0) -> trimesh.Trimesh:
    """
    Closed slab between a flat bottom and a heightfield top over a plan outline.

    Parameters
    ----------
    x_mm : (n,) float
      Stations along x; the first and last are the outline's ends.
    y_lat_mm, y_med_mm : (n,) float
      Outline edges at each station (``y_lat_mm < y_med_mm``).
    across : int
      Grid points across the outline at every station.
    top_fn : callable
      ``top_fn(x, y, v) -> z`` with (n, across) arrays; ``v`` is 0 on the lateral and 1 on the
      medial edge. Must stay above ``bottom_mm``.
    bottom_mm : float
      Height of the flat bottom.

    Returns
    -------
    mesh : trimesh.Trimesh
      Watertight, outward normals.
    """
    n, m = len(x_mm), across
    v = np.linspace(0.0, 1.0, m)
    X = np.repeat(x_mm[:, None], m, axis=1)
    Y = y_lat_mm[:, None] + v[None, :] * (y_med_mm - y_lat_mm)[:, None]
    V = np.broadcast_to(v, (n, m))
    Z = top_fn(X, Y, V)
    top = np.column_stack([X.ravel(), Y.ravel(), Z.ravel()])
    bottom = np.column_stack([X.ravel(), Y.ravel(), np.full(n * m, bottom_mm)])
    vertices = np.concatenate([top, bottom])
    idx = np.arange(n * m).reshape(n, m)
    # two triangles per grid cell, counter-clockwise seen from above
    a, b, c, d = idx[:-1, :-1].ravel(), idx[1:, :-1].ravel(), idx[1:, 1:].ravel(), idx[:-1, 1:].ravel()
    top_faces = np.concatenate([np.column_stack([a, b, c]), np.column_stack([a, c, d])])
    bottom_faces = top_faces[:, ::-1] + n * m
    # boundary loop of the grid, counter-clockwise seen from above, and the wall along it
    loop = np.concatenate([idx[:, 0], idx[-1, 1:], idx[-2::-1, -1], idx[0, -2:0:-1]])
    p, q = loop, np.roll(loop, -1)
    walls = np.concatenate([np.column_stack([p, p + n * m, q + n * m]), np.column_stack([p, q + n * m, q])])
    return _oriented(vertices, np.concatenate([top_faces, bottom_faces, walls]))


def tube_mesh(x_mm: np.ndarray, y_centre_mm: np.ndarray, half_width_mm: np.ndarray, z_mid_mm: np.ndarray,
              below_mm: np.ndarray, above_mm: np.ndarray, around: int,
              exponent_below: float = EXPONENT_BELOW, exponent_above: float = EXPONENT_ABOVE,
              skew: float | np.ndarray = 0.0) -> trimesh.Trimesh:
    """
    Loft superelliptic cross-sections (in y–z planes) along x into a closed, capped tube.

    Each section is two half-superellipses sharing the widest line at ``z_mid``: a flatter one
    below (``exponent_below``) reaching ``below_mm`` down and a rounder one above reaching
    ``above_mm`` up, leant medially by ``skew`` (:func:`skew_factor`; exponents and skew may be (n, 1) arrays).

    Parameters
    ----------
    x_mm, y_centre_mm, half_width_mm, z_mid_mm, below_mm, above_mm : (n,) float
      Section placement and size at each station.
    around : int
      Points per section.

    Returns
    -------
    mesh : trimesh.Trimesh
      Watertight, outward normals; x extent is exactly ``x_mm[0] .. x_mm[-1]``.
    """
    y, z = section_points(half_width_mm, below_mm, above_mm, around, exponent_below, exponent_above, skew)
    n, m = len(x_mm), around
    rings = np.stack([np.repeat(x_mm[:, None], m, axis=1), y + y_centre_mm[:, None], z + z_mid_mm[:, None]],
                     axis=-1).reshape(-1, 3)
    # flat caps: one centre vertex per end, fanned to the end ring
    ends = np.array([[x_mm[0], y_centre_mm[0], z_mid_mm[0]], [x_mm[-1], y_centre_mm[-1], z_mid_mm[-1]]])
    vertices = np.concatenate([rings, ends])
    idx = np.arange(n * m).reshape(n, m)
    nxt = np.roll(idx, -1, axis=1)
    a, b, c, d = idx[:-1].ravel(), idx[1:].ravel(), nxt[1:].ravel(), nxt[:-1].ravel()
    sides = np.concatenate([np.column_stack([a, b, c]), np.column_stack([a, c, d])])
    first, last = n * m, n * m + 1
    cap0 = np.column_stack([np.full(m, first), idx[0], nxt[0]])
    cap1 = np.column_stack([np.full(m, last), nxt[-1], idx[-1]])
    return _oriented(vertices, np.concatenate([sides, cap0, cap1]))


def section_points(half_width_mm, below_mm, above_mm, around: int, exponent_below: float = EXPONENT_BELOW,
                   exponent_above: float = EXPONENT_ABOVE,
                   skew: float | np.ndarray = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """
    Points of the sections relative to their widest line's centre.

    Returns
    -------
    y_mm, z_mm : (n, around) float
    """
    theta = np.linspace(0.0, 2 * np.pi, around, endpoint=False)
    cos, sin = np.cos(theta), np.sin(theta)
    upper = sin >= 0
    # superellipse |y/a|^p + |z/b|^p = 1 parametrised by sign(c)|c|^(2/p)
    p = np.where(upper, exponent_above, exponent_below)
    fy = np.sign(cos) * np.abs(cos) ** (2.0 / p)
    fz = np.sign(sin) * np.abs(sin) ** (2.0 / p)
    half = np.asarray(half_width_mm, float).reshape(-1, 1)
    size_z = np.where(upper, np.asarray(above_mm, float).reshape(-1, 1), np.asarray(below_mm, float).reshape(-1, 1))
    y, z = half * fy, size_z * fz
    if np.any(np.asarray(skew) != 0.0):
        factor = skew_factor(np.arctan2(z, y), skew)
        y, z = y * factor, z * factor
    return y, z


def section_girth(half_width_mm, below_mm, above_mm, exponent_below: float = EXPONENT_BELOW,
                  exponent_above: float = EXPONENT_ABOVE, skew: float | np.ndarray = 0.0) -> np.ndarray:
    """
    Perimeter of the sections.

    Returns
    -------
    girth_mm : (n,) float
    """
    y, z = section_points(half_width_mm, below_mm, above_mm, 720, exponent_below, exponent_above, skew)
    return np.hypot(np.diff(y, axis=1, append=y[:, :1]), np.diff(z, axis=1, append=z[:, :1])).sum(axis=1)


def mirror_y(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """Mirror in y (right foot -> left foot), reversing the winding so normals still point outwards."""
    return trimesh.Trimesh(vertices=mesh.vertices * np.array([1.0, -1.0, 1.0]), faces=mesh.faces[:, ::-1],
                           process=False)
