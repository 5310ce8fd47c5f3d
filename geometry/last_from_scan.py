"""
Products shaped by a scanned foot: the shoe's last and the insole's outline follow the foot below the ankle.

Method (after Leng and Du, "A deformation method for shoe last customization", Computer-Aided Design and
Applications 2005): start from the product's parametric last for the scan's six measurements, put the scanned
foot in it exactly as the fit check does (:mod:`._placement`), and deform the last by its distance map to the
foot. First the section heights from the throat to the toe box follow the foot's height (:func:`heights_fitted`)
and the toe box is raised over the toes if needed (:func:`toe_box_raised`), so the sections start close to the
foot. Then every section is described from its centre on the widest line; for each x (every :data:`X_STEP_MM`)
and each angle around it (:data:`ANGLES`), the map holds how far the foot reaches beyond the section (or stays
inside it). The map is smoothed along and around (Gaussian, periodic in the angle) and pushed back up over the
foot's bumps (:data:`ENVELOPE_PASSES`), the ease added, faded out where the scan shows nothing, and applied as a
radial offset of every section; the footbed stays flat. So that the last looks like a last and not like a cast of
the foot, it is then taped (:func:`taped`): every section made convex and, from the ball forward, every line along
the last made concave, bridging the hollows between the toes and the dip behind them as a tape or a toe box would
(never closer to the foot); ahead of the toe room the toe box is the parametric toe (the chosen toe shape) scaled
to the shaped section there. The toes slid forward by :data:`TOE_ROOM_SHARE` of the toe allowance are part of the foot here, so
the toe room ahead of the longest toe is kept whatever the toes' shape.

The ease is the one the parametric last documents: ``girth_ease_mm`` of girth all round (a radial offset of
``girth_ease_mm / 2 pi``: offsetting a convex section by d lengthens it by 2 pi d), ``instep_room_mm`` over the
instep, :data:`TOE_BOX_EASE_MM` over the toes and :data:`SCAN_MARGIN_MM` for the scan's own sampling.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import shapely
import trimesh
from scipy import ndimage
from scipy.spatial import ConvexHull

from . import _placement
from ._scan_frame import FOOTPRINT_HEIGHT_MM
from ._shape import end_rounding, smoothstep, stations

X_STEP_MM = 3.0          # distance-map resolution along the last
ANGLES = 48              # ... and around each section (7.5 degrees)
SMOOTH_X_MM = 6.0        # Gaussian smoothing of the map along x (standard deviation) ...
SMOOTH_DEG = 11.0        # ... and around the section
ENVELOPE_PASSES = 4      # smoothing passes that push the smoothed map back over the foot's bumps
MIN_COVERAGE = 0.2       # smoothed share of cells the scan covers below which the offset fades to nothing
SCAN_MARGIN_MM = 1.0     # extra radial room for a scan sampled by vertices a few mm apart
TOE_BOX_EASE_MM = 2.0    # extra height over the toes (they move up when the foot bends)
TOP_EASE_MM = 1.0        # the sections' height follows the foot's plus this, from the throat ...
THROAT_FROM = 0.55       # ... (this fraction of the foot length) to the toe box, in knots every ...
HEIGHT_STEP_MM = 8.0     # ... this many mm
TOE_BOX_AHEAD = 0.5      # the toe box clears the front of the toes over this share of the room ahead of them ...
TOE_FRONT_EASE_MM = 1.0  # ... by this much
MAX_GROW_MM = 25.0       # the offset is limited to this outwards ...
MAX_SHRINK_FRACTION = 0.6  # ... and to this share of the parametric radius inwards
TOE_ROOM_SHARE = 0.6      # the toes slid forward by this share of the toe allowance stay inside the last ...
TOE_ZONE_MM = 30.0        # ... (the part of the foot this far behind the longest toe) ...
TOE_SLIDE_STEP_MM = 1.5   # ... in steps of this
TAPE_FROM = 0.6          # lines along the last are made concave (see taped) from this share of the length ...
TAPE_BLEND_MM = 15.0     # ... blending in over this
TAPE_SMOOTH_MM = 5.0     # then smoothed along x (standard deviation) ...
TAPE_SMOOTH_SLACK_MM = 0.8  # ... coming no more than this closer to the foot
TAPE_SHARE = 0.2         # taped where the offset holds at least this share (see Shaping.offset_mm; not the footbed)
INSOLE_MARGIN_MM = 1.0    # a scan-shaped insole reaches this far beyond the footprint on each side
INSOLE_HEEL_AT = 0.15     # ... its heel end a half circle as wide as the outline this share of the length forward ...
INSOLE_SMOOTH_MM = 4.0    # ... its edges smoothed along x (standard deviation) ...
INSOLE_CONVEX_FROM = 0.6     # ... is convex from this share of the foot length forward (the ball) ...
INSOLE_CONVEX_BLEND_MM = 15.0  # ... blending in over this
INSOLE_TOE_BLEND_MM = (50.0, 15.0)  # ... and blends into its parametric toe shape between these distances
                                   # behind the longest toe


@dataclass(frozen=True, eq=False)
class Shaping:
    """
    A radial offset of the last's sections: ``offset_mm`` on a grid of x (:data:`X_STEP_MM`) and of angles
    around the section centre (``ANGLES`` from -pi), interpolated bilinearly, periodic in the angle. Ahead of
    ``toe_end_mm`` the sections are the parametric ones scaled by ``toe_scale`` (one factor per angle): the toe
    keeps its chosen shape and its rounding to the tip, only larger.
    """

    x0_mm: float
    offset_grid_mm: np.ndarray  # (k, ANGLES)
    toe_end_mm: float = np.inf
    toe_scale: np.ndarray | None = None  # (ANGLES,)

    def offset_mm(self, x_mm: np.ndarray, angle: np.ndarray, radius_mm: np.ndarray) -> np.ndarray:
        """
        The offset at ``x_mm`` along ``angle`` (radians from +y towards +z) of a section point ``radius_mm`` from
        the centre. Below the widest line it fades out towards the bottom, so that the footbed stays flat.

        Returns
        -------
        offset_mm : float array, broadcast shape of the inputs
        """
        x_mm, angle, radius_mm = np.broadcast_arrays(np.asarray(x_mm, float), np.asarray(angle, float),
                                                     np.asarray(radius_mm, float))
        grid = self.offset_grid_mm
        fx = np.clip((x_mm - self.x0_mm) / X_STEP_MM, 0.0, grid.shape[0] - 1.0)
        i0 = np.minimum(np.floor(fx).astype(np.int64), grid.shape[0] - 2)
        tx = fx - i0
        fa = np.mod(angle + np.pi, 2 * np.pi) / (2 * np.pi) * ANGLES - 0.5  # cell j is centred on j + 0.5
        j0 = np.floor(fa).astype(np.int64) % ANGLES
        j1 = (j0 + 1) % ANGLES
        ta = fa - np.floor(fa)
        value = ((1 - tx) * ((1 - ta) * grid[i0, j0] + ta * grid[i0, j1])
                 + tx * ((1 - ta) * grid[i0 + 1, j0] + ta * grid[i0 + 1, j1]))
        if self.toe_scale is not None:
            scale = (1 - ta) * self.toe_scale[j0] + ta * self.toe_scale[j1]
            ahead = smoothstep((x_mm - self.toe_end_mm + X_STEP_MM) / X_STEP_MM)
            value = (1 - ahead) * value + ahead * radius_mm * (scale - 1.0)
        return np.maximum(_bottom_share(angle) * value, -MAX_SHRINK_FRACTION * radius_mm)


def _angles() -> np.ndarray:
    """Centres of the angle cells, (ANGLES,) from -pi."""
    return -np.pi + (np.arange(ANGLES) + 0.5) * 2 * np.pi / ANGLES


def foot_in_shoe(the_last, vertices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    The foot placed in the last the way the fit check places it: on the floor, heel at x=0, turned onto the
    last's parametric plan (``flat``), then raised by the footbed and the toe spring at each x (``placed``).

    Parameters
    ----------
    vertices : (n, 3) float
      The foot in the right-foot frame (see :func:`._placement.right_frame`), mm.

    Returns
    -------
    flat, placed : (n, 3) float
    """
    flat = _placement.placed_flat(vertices, the_last.length_mm)
    flat = _placement.aligned(flat, the_last.plan, the_last.length_mm)
    placed = flat.copy()
    placed[:, 2] += the_last.footbed_mm(flat[:, 0]) + the_last.spring_mm(flat[:, 0])
    return flat, placed


def shaped_last(the_last, foot_mesh: trimesh.Trimesh, params):
    """
    The parametric ``the_last`` made to follow the scanned foot with the ease of ``params``: its toe box raised
    to clear the toes by :data:`TOE_BOX_EASE_MM` (:func:`toe_box_raised`; the toe's plan shape is kept), then
    deformed by :func:`shaping`.

    Returns
    -------
    last : shoe.Last
    """
    vertices, _ = _placement.right_frame(foot_mesh.vertices, foot_mesh.faces, params.side)
    # the placement depends on the plan, the footbed and the toe spring only, which the heights leave alone
    flat, placed = foot_in_shoe(the_last, vertices)
    raised = toe_box_raised(heights_fitted(the_last, flat), flat)
    return replace(raised, shaping=shaping(raised, flat, placed, params))


def heights_fitted(the_last, flat: np.ndarray):
    """
    ``the_last`` with its section heights from the throat to the toe box following the foot's height (plus
    :data:`TOP_EASE_MM`), so that the sections start close to the foot and the radial offsets stay small.
    Knots every :data:`HEIGHT_STEP_MM`, the foot's height per slice smoothed along x; behind the throat (under
    the collar opening) and from the toe-box knot on, the parametric heights stay.
    """
    xk, hk = np.asarray(the_last.xk_mm, float), np.asarray(the_last.height_k_mm, float)
    x0 = THROAT_FROM * the_last.length_mm
    x1 = xk[-2]  # the toe-box knot
    edges = np.arange(x0, x1 + HEIGHT_STEP_MM, HEIGHT_STEP_MM)
    x_mid = 0.5 * (edges[:-1] + edges[1:])
    index = np.searchsorted(edges, flat[:, 0]) - 1
    keep = (index >= 0) & (index < len(x_mid))
    top = np.full(len(x_mid), np.nan)
    np.fmax.at(top, index[keep], flat[keep, 2])
    have = np.isfinite(top)
    if have.sum() < 3:
        return the_last
    top = np.interp(x_mid, x_mid[have], top[have])
    top = ndimage.gaussian_filter1d(top, SMOOTH_X_MM / HEIGHT_STEP_MM, mode="nearest") + TOP_EASE_MM
    before, after = xk < x0, xk >= x1
    inner = x_mid < x1 - 1.0  # knots strictly increasing up to the toe-box knot
    new_x = np.concatenate([xk[before], x_mid[inner], xk[after]])
    new_h = np.concatenate([hk[before], np.maximum(top[inner], 2 * the_last.plan.min_half_mm), hk[after]])
    return replace(the_last, xk_mm=tuple(new_x), height_k_mm=tuple(new_h))


def toe_box_raised(the_last, flat: np.ndarray):
    """
    ``the_last`` with its toe-box heights (the last two height knots) scaled up, if needed, so that the sections
    from 0.8 of the foot length to the longest toe stand :data:`TOE_BOX_EASE_MM` above the foot (right frame).
    """
    L = the_last.length_mm
    tip = float(flat[flat[:, 2] < FOOTPRINT_HEIGHT_MM, 0].max())
    x_edges = np.arange(0.80 * L, tip + TOE_BOX_AHEAD * (the_last.plan.end_mm - tip), X_STEP_MM)
    if len(x_edges) < 2:
        return the_last
    x = flat[:, 0]
    top = np.full(len(x_edges) - 1, -np.inf)
    index = np.searchsorted(x_edges, x) - 1
    keep = (index >= 0) & (index < len(top))
    np.maximum.at(top, index[keep], flat[keep, 2] + TOE_BOX_EASE_MM)  # the foot's height above its floor
    # ahead of the toes the box stays over the toes' front (a blunt, high toe tip keeps its room ahead)
    front = flat[:, 2][(x >= tip - 2.0) & (flat[:, 2] < FOOTPRINT_HEIGHT_MM)].max()
    x_mid = 0.5 * (x_edges[:-1] + x_edges[1:])
    top = np.where(x_mid > tip, front + TOE_FRONT_EASE_MM, top)
    heights = list(the_last.height_k_mm)
    for _ in range(3):  # scaling the knots moves the interpolated heights less than the knots: settle it
        probe = replace(the_last, height_k_mm=tuple(heights))
        need = top / probe.height_mm(x_mid)
        factor = float(np.max(need[np.isfinite(need)], initial=1.0))
        if factor <= 1.001:
            break
        heights[-2:] = [h * factor for h in heights[-2:]]
    # no dip behind a raised toe box: from the ball forward the knots do not rise towards the toe
    xk = np.asarray(the_last.xk_mm, float)
    ball = int(np.searchsorted(xk, 0.72 * L))
    heights[ball:-1] = np.maximum.accumulate(np.asarray(heights[ball:-1])[::-1])[::-1].tolist()
    return replace(the_last, height_k_mm=tuple(heights))


def shaping(the_last, flat: np.ndarray, placed: np.ndarray, params) -> Shaping:
    """
    The radial offsets that make the parametric ``the_last`` follow the foot with the ease of ``params``.

    Parameters
    ----------
    the_last : shoe.Last
      The parametric last (no shaping) of the scan's measurements and the chosen options.
    flat, placed : (n, 3) float
      The scanned foot placed in the last (:func:`foot_in_shoe`), mm; it may carry the lower leg (what is above
      the collar opening is outside the shoe and left out).
    params : shoe.ShoeParams

    Returns
    -------
    shaping : Shaping
    """
    start, end = the_last.plan.start_mm, the_last.plan.end_mm
    tip = float(flat[flat[:, 2] < FOOTPRINT_HEIGHT_MM, 0].max())
    # the toe room: the toes, slid forward step by step up to TOE_ROOM_SHARE of the toe allowance, must fit too
    room = TOE_ROOM_SHARE * params.toe_allowance_mm
    toes = placed[placed[:, 0] > tip - TOE_ZONE_MM]
    slides = np.arange(TOE_SLIDE_STEP_MM, room + 1e-9, TOE_SLIDE_STEP_MM)
    slid = (toes[None, :, :] + slides[:, None, None] * np.array([1.0, 0.0, 0.0])).reshape(-1, 3)
    slid[:, 2] += the_last.spring_mm(slid[:, 0]) - the_last.spring_mm(slid[:, 0] - np.repeat(slides, len(toes)))
    x, y, z = np.concatenate([placed, slid]).T
    keep = (x >= start) & (x <= end) & (z < the_last.collar_z(x))
    x, y, z = x[keep], y[keep], z[keep]
    centre, _, z_mid, _, _ = the_last.sections(x)
    dy, dz = y - centre, z - z_mid
    angle = np.arctan2(dz, dy)
    excess = np.hypot(dy, dz) - the_last.radius_mm(x, angle)  # + the foot reaches beyond the parametric last

    grid_x = np.arange(start, end + X_STEP_MM, X_STEP_MM)
    i = np.clip(np.rint((x - start) / X_STEP_MM).astype(np.int64), 0, len(grid_x) - 1)
    j = np.floor(np.mod(angle + np.pi, 2 * np.pi) / (2 * np.pi) * ANGLES).astype(np.int64) % ANGLES
    reach = np.full((len(grid_x), ANGLES), -np.inf)
    np.maximum.at(reach, (i, j), excess)
    covered = np.isfinite(reach)

    # the ease, as a radial offset on top of the foot
    L = the_last.length_mm
    up = np.clip(np.sin(_angles()), 0.0, None)[None, :]
    gx = grid_x[:, None]
    instep = smoothstep((gx - 0.40 * L) / (0.10 * L)) * (1 - smoothstep((gx - 0.70 * L) / (0.08 * L)))
    toes = smoothstep((gx - 0.78 * L) / (0.06 * L))
    ease = (params.girth_ease_mm / (2 * np.pi) + SCAN_MARGIN_MM
            + params.instep_room_mm * up * instep + TOE_BOX_EASE_MM * up * toes)

    # smooth where the scan covers (normalised convolution: cells without foot carry no weight)
    closed = np.where(covered, reach, 0.0)
    weight = covered.astype(float)
    sigma = (SMOOTH_X_MM / X_STEP_MM, np.radians(SMOOTH_DEG) / (2 * np.pi / ANGLES))
    mass = ndimage.gaussian_filter(weight, sigma, mode=("nearest", "wrap"))
    total = ndimage.gaussian_filter(closed * weight, sigma, mode=("nearest", "wrap"))
    with np.errstate(invalid="ignore", divide="ignore"):
        follow = np.where(mass > 1e-6, total / mass, 0.0)
        # smoothing flattens the foot's bumps (a metatarsal head) below their peak: push the surface back up
        # by the smoothed shortfall, a few times, so that it stays smooth and over the foot
        for _ in range(ENVELOPE_PASSES):
            short = np.maximum(closed - follow, 0.0) * weight
            follow = follow + np.where(mass > 1e-6, ndimage.gaussian_filter(short, sigma, mode=("nearest", "wrap"))
                                       / mass, 0.0)
    coverage = np.clip(mass / MIN_COVERAGE, 0.0, 1.0)
    offset = np.clip((follow + ease) * coverage, -np.inf, MAX_GROW_MM)
    grid, toe_scale, toe_end = taped(the_last, grid_x, offset, tip + room)
    return Shaping(float(start), grid, toe_end, toe_scale)


def _bottom_share(angle: np.ndarray) -> np.ndarray:
    """How much of the offset holds at ``angle``: 1 above 15 degrees below the widest line, 0 at the sole."""
    return smoothstep((np.sin(angle) + 0.6) / 0.35)


def _convex_radius(points: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Distance from the origin (inside) to the convex hull of ``points`` (m, 2) along each of ``angles``."""
    equations = ConvexHull(points).equations  # n . p + d <= 0 inside, n unit outward
    normal, d = equations[:, :2], equations[:, 2]
    toward = np.cos(angles)[:, None] * normal[None, :, 0] + np.sin(angles)[:, None] * normal[None, :, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        reach = np.where(toward > 1e-9, -d[None, :] / toward, np.inf)
    return reach.min(axis=1)


def _upper_envelope(x: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The least concave function of ``x`` (increasing) that is at least ``value``: its upper convex hull."""
    hull = []
    for point in zip(x, value):
        while len(hull) >= 2:
            (x0, v0), (x1, v1) = hull[-2], hull[-1]
            if (x1 - x0) * (point[1] - v0) - (v1 - v0) * (point[0] - x0) >= 0.0:  # hull[-1] on or below the chord
                hull.pop()
            else:
                break
        hull.append(point)
    hull = np.array(hull)
    return np.interp(x, hull[:, 0], hull[:, 1])


def taped(the_last, grid_x: np.ndarray, offset: np.ndarray, toe_end_mm: float) -> tuple:
    """
    The offset grid made to bridge the foot's hollows as a tape (or a toe box) would, so that the last looks like a
    last and not like a cast of the foot, and never comes closer to the foot: ahead of the toe room
    (``toe_end_mm``) the sections are the parametric toe's (the chosen toe shape) scaled to the shaped section
    there; every section is made convex (the hollows between the toes and the tendons' ridges filled), and from
    :data:`TAPE_FROM` of the length forward each line along the last (at a fixed angle around the sections) made
    concave (the dip between the ball and the toes, and each toe's bump, filled); twice, then a light smoothing
    along x.

    Returns
    -------
    offset_grid_mm : (k, ANGLES) float
    toe_scale : (ANGLES,) float
      The parametric toe's scale ahead of ``toe_end`` (see :class:`Shaping`).
    toe_end : float
      The grid's x where the toe's scale takes over.
    """
    angles = _angles()
    share = _bottom_share(angles)[None, :]
    base = the_last.radius_mm(np.repeat(grid_x, ANGLES), np.tile(angles, len(grid_x))).reshape(len(grid_x), ANGLES)
    centre, _, z_mid, _, _ = the_last.sections(grid_x)
    # where each cell's direction starts, along that direction: the section centre's own reach
    origin = centre[:, None] * np.cos(angles)[None, :] + z_mid[:, None] * np.sin(angles)[None, :]
    radius = base + np.maximum(share * offset, -MAX_SHRINK_FRACTION * base)
    cut = max(int(np.searchsorted(grid_x, toe_end_mm)) - 1, 0)
    radius[cut + 1:] = base[cut + 1:] * (radius[cut] / base[cut])[None, :]
    lengthwise = grid_x >= TAPE_FROM * the_last.length_mm
    blend = smoothstep((grid_x[lengthwise] - grid_x[lengthwise][0]) / TAPE_BLEND_MM)[:, None]
    for _ in range(2):
        for i in range(len(grid_x)):
            ring = np.column_stack([radius[i] * np.cos(angles), radius[i] * np.sin(angles)])
            radius[i] = np.maximum(radius[i], _convex_radius(ring, angles))
        reach = origin[lengthwise] + radius[lengthwise]
        for j in range(ANGLES):
            if share[0, j] > TAPE_SHARE:
                reach[:, j] = reach[:, j] + blend[:, 0] * (_upper_envelope(grid_x[lengthwise], reach[:, j])
                                                           - reach[:, j])
        radius[lengthwise] = np.maximum(radius[lengthwise], reach - origin[lengthwise])
    smooth = ndimage.gaussian_filter1d(radius, TAPE_SMOOTH_MM / X_STEP_MM, axis=0, mode="nearest")
    radius = np.maximum(smooth, radius - TAPE_SMOOTH_SLACK_MM)
    # back to offsets where they hold fully (the footbed's fade below the widest line is left as it was)
    taped_offset = (radius - base) / np.maximum(share, 1e-9)
    grid = np.where(share > TAPE_SHARE, np.minimum(np.maximum(offset, taped_offset), MAX_GROW_MM), offset)
    toe_scale = 1.0 + grid[cut] / base[cut]
    grid[cut + 1:] = base[cut + 1:] * (toe_scale - 1.0)[None, :]
    return grid, toe_scale, float(grid_x[cut])


@dataclass(frozen=True, eq=False)
class SampledPlan:
    """
    A plan outline given by its edges at stations along x (``y_lat < y_med``), optionally offset outwards by
    ``grow_mm`` (an exact polygon offset). The same interface as :class:`._shape.PlanProfile`.
    """

    x_mm: np.ndarray
    y_lat_mm: np.ndarray
    y_med_mm: np.ndarray
    grow_mm: float = 0.0
    min_half_mm: float = 0.6

    @cached_property
    def _chains(self) -> tuple[np.ndarray, np.ndarray]:
        """Lateral and medial chains ``(x, y)`` of the (grown) outline, each sorted by x."""
        outline = np.concatenate([np.column_stack([self.x_mm, self.y_lat_mm]),
                                  np.column_stack([self.x_mm[::-1], self.y_med_mm[::-1]])])
        if self.grow_mm == 0.0:
            return outline[:len(self.x_mm)], outline[len(self.x_mm):][::-1]
        polygon = shapely.Polygon(outline).buffer(0).buffer(self.grow_mm, quad_segs=16)
        ring = np.asarray(polygon.exterior.coords)[:-1]
        first, last = int(np.argmin(ring[:, 0])), int(np.argmax(ring[:, 0]))
        ring = np.roll(ring, -first, axis=0)
        last = (last - first) % len(ring)
        one, two = ring[:last + 1], np.concatenate([ring[last:], ring[:1]])[::-1]
        lat, med = (one, two) if one[:, 1].mean() < two[:, 1].mean() else (two, one)
        return lat[np.argsort(lat[:, 0], kind="stable")], med[np.argsort(med[:, 0], kind="stable")]

    @property
    def start_mm(self) -> float:
        return float(self.x_mm[0]) - self.grow_mm

    @property
    def end_mm(self) -> float:
        return float(self.x_mm[-1]) + self.grow_mm

    def grown(self, grow_mm: float) -> "SampledPlan":
        return SampledPlan(self.x_mm, self.y_lat_mm, self.y_med_mm, self.grow_mm + grow_mm, self.min_half_mm)

    def __call__(self, x_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """
        Lateral and medial edges.

        Returns
        -------
        y_lat_mm, y_med_mm : (n,) float
        """
        lat, med = self._chains
        x_mm = np.asarray(x_mm, float)
        y_lat, y_med = np.interp(x_mm, lat[:, 0], lat[:, 1]), np.interp(x_mm, med[:, 0], med[:, 1])
        centre, half = (y_lat + y_med) / 2, np.maximum((y_med - y_lat) / 2, self.min_half_mm)
        return centre - half, centre + half

    def centre_half(self, x_mm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y_lat, y_med = self(x_mm)
        return (y_lat + y_med) / 2, (y_med - y_lat) / 2

    def polygon(self, count: int = 160) -> np.ndarray:
        """Closed outline, counter-clockwise, (2 * count, 2) float."""
        x = stations(self.start_mm, self.end_mm, count)
        y_lat, y_med = self(x)
        return np.concatenate([np.column_stack([x, y_lat]), np.column_stack([x[::-1], y_med[::-1]])])


def insole_outline(profile, foot_mesh: trimesh.Trimesh, side: str, foot_length_mm: float) -> tuple:
    """
    A scan-shaped insole's outline: the footprint of the foot (placed on the parametric ``profile`` as the fit
    check places it) plus :data:`INSOLE_MARGIN_MM` each side, blending into the parametric toe shape ahead of
    the toes, and convex from the ball forward (:data:`INSOLE_CONVEX_FROM`); and the foot in that place.

    Returns
    -------
    plan : SampledPlan
    flat : (n, 3) float
      The foot, right frame, on the floor, aligned on ``profile``.
    """
    vertices, _ = _placement.right_frame(foot_mesh.vertices, foot_mesh.faces, side)
    flat = _placement.aligned(_placement.placed_flat(vertices, foot_length_mm), profile, foot_length_mm)
    low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
    index, y_min, y_max, _ = _placement.bins(flat, low, window=1)
    centres = _placement.bin_centres(flat, len(y_min))
    x = stations(profile.start_mm, profile.end_mm, 160)
    have = np.isfinite(y_min)
    # the footprint's edges, smoothed along x (in mm, the stations are uneven): a scan's noise is no outline
    even = np.arange(x[0], x[-1] + 1.0, 1.0)
    foot_lat = np.interp(x, even, ndimage.gaussian_filter1d(np.interp(even, centres[have], y_min[have]),
                                                            INSOLE_SMOOTH_MM, mode="nearest")) - INSOLE_MARGIN_MM
    foot_med = np.interp(x, even, ndimage.gaussian_filter1d(np.interp(even, centres[have], y_max[have]),
                                                            INSOLE_SMOOTH_MM, mode="nearest")) + INSOLE_MARGIN_MM
    plan_lat, plan_med = profile(x)
    tip = float(flat[low, 0].max())
    behind, ahead = INSOLE_TOE_BLEND_MM
    toe = smoothstep((x - (tip - behind)) / (behind - ahead))
    y_lat = (1 - toe) * foot_lat + toe * np.minimum(plan_lat, foot_lat)
    y_med = (1 - toe) * foot_med + toe * np.maximum(plan_med, foot_med)
    # close the ends: the heel is rounded by the footprint itself; the front follows the parametric toe
    y_lat = np.where(x >= tip, plan_lat, y_lat)
    y_med = np.where(x >= tip, plan_med, y_med)
    # from the ball forward the outline is convex, as a tape round the forefoot would lie: no bump at each toe
    forward = x >= INSOLE_CONVEX_FROM * foot_length_mm
    blend = smoothstep((x[forward] - x[forward][0]) / INSOLE_CONVEX_BLEND_MM)
    y_med[forward] += blend * (_upper_envelope(x[forward], y_med[forward]) - y_med[forward])
    y_lat[forward] -= blend * (_upper_envelope(x[forward], -y_lat[forward]) + y_lat[forward])
    smooth = ndimage.gaussian_filter1d
    y_lat, y_med = smooth(y_lat, 2.5, mode="nearest"), smooth(y_med, 2.5, mode="nearest")
    centre, half = (y_lat + y_med) / 2, np.maximum((y_med - y_lat) / 2, 0.6)
    # the heel end a half circle as wide as the heel (the footprint's first slices are as wide as the heel)
    heel_half = float(np.interp(INSOLE_HEEL_AT * foot_length_mm, x, half))
    back = x - x[0] < heel_half
    half[back] = np.maximum(np.minimum(half[back], heel_half * end_rounding(x[back] - x[0], heel_half, 2.0)), 0.6)
    half[0], half[-1] = 0.6, 0.6  # the outline's ends close on a point, as the parametric one does
    return SampledPlan(x, centre - half, centre + half), flat
