"""
Does a product fit a foot? Place the foot in the product, measure the room around it region by region
and draw a heat map a shopper reads at a glance.

The foot is a mesh in the canonical flat frame (heel at x=0, toe towards +x, standing on z=0, mm; medial
side +y for the right foot, -y for the left): a scan, or else :func:`.avatar.foot_avatar` of the
measurements the product was built from. Everything is computed in the right-foot frame (a left foot is
mirrored first), so a left foot and its mirror image get the same regions. The foot is set on the floor,
its heel moved to x=0 and, for a scan, turned about z and shifted across so that its heel and ball centres
lie on the product's (see :func:`_aligned`; an avatar is already in place).

Shoe
----
The foot is put in the last (the shoe's cavity, :func:`.shoe.last`) the way the last's bottom is built:
heel against the back of the last, and every vertex raised by the footbed height at its x (heel pitch)
plus the toe spring. The clearance of each foot vertex is its signed distance to the cavity wall,
positive = room, negative = the foot would press through the wall; it is the distance to the tangent
plane of the nearest cavity vertex (a k-d tree query, accurate to ~0.1 mm on the smooth last). Vertices
above the collar opening are outside the shoe and ignored. Regions (``L`` = the foot's length):

* ``toe``: room in front of the longest toe, along +x at the toe tip's height (the last is evaluated
  exactly along that line);
* ``ball_medial`` / ``ball_lateral``: the least room across (along y, at the same height) on each side
  of the ball, 0.62–0.80 L, between 15 % and 70 % of the foot's height there;
* ``heel``: the mean of the least room across on the two sides of the heel, 0.12–0.22 L (where the heel
  is at its full width, in front of its rounded back), below 40 mm;
* ``instep``: the least room over the top of the foot, 0.50–0.70 L, where the upper covers it.

"Least room" is the mean of the :data:`LOWEST_COUNT` smallest values in the region, so one noisy scan
vertex does not decide it.

Insole
------
The insole has no walls: its outline is compared with the foot's footprint (the plan extent of the foot
below :data:`FOOTPRINT_HEIGHT_MM`), region by region (``toe``, ``ball_medial``, ``ball_lateral``,
``heel``: how far the insole's edge is beyond the foot's), and the arch support height with the foot's
arch height (``arch``: the gap left under the arch, the arch measured on the mesh by
:func:`arch_height_mm`).

Thresholds: see :data:`SHOE_THRESHOLDS_MM` and :data:`INSOLE_THRESHOLDS_MM` (value below the first is
"tight", above the second "loose"); every region reports its own as ``tight_below_mm`` / ``loose_above_mm``.

Heat map
--------
The foot seen from above and from the side, over a faint drawing of the product (the last's outline and
side silhouette; the insole itself), each face coloured by the clearance of its corners: red tight, green
snug, blue room, skin colour where the product does not cover the foot. Colours are on the scale of the
side clearance; towards the toe tip the room ahead is shown, and for the insole each half-section of the
foot shows its side's margin; these are mapped so their regions' thresholds meet the same colours, so the
colour always reads as the status. The legend therefore has words, not millimetres.
"""
from __future__ import annotations

import inspect
import io
import time
from dataclasses import replace

import numpy as np
import shapely
import trimesh
from PIL import Image, ImageDraw, ImageFont
from scipy.spatial import cKDTree

from . import insole as _insole
from . import export, render
from . import shoe as _shoe
from ._shape import mirror_y, smoothstep, tube_mesh
from .avatar import foot_avatar
from .errors import ParameterError
from .insole import InsoleParams
from .shoe import ShoeParams

SHOE_THRESHOLDS_MM: dict[str, tuple[float, float]] = {
    # Toe room in front of the longest toe: the foot slides forward ~5 mm in each step and the toes need
    # to spread; fitters ask for "a thumb's width" (~10-15 mm) of last length beyond the foot. Measured at
    # the toe tip's height, 12 mm of toe allowance (our default) gives ~10 mm here, 5 mm gives ~3 mm.
    "toe": (6.0, 18.0),
    # Each side of the ball: the last is as wide as the foot at the ball (firm but not pressing); more than
    # 1.5 mm into the foot pinches, more than 4 mm of room per side (a shoe 8 mm wider than the foot, about
    # four width fittings) lets the foot slide across.
    "ball_medial": (-1.5, 4.0),
    "ball_lateral": (-1.5, 4.0),
    # Sides of the heel (mean of both): the heel counter should hold the heel; 2 mm into it pinches,
    # more than 3 mm of room per side lets the heel slip.
    "heel": (-2.0, 3.0),
    # Over the instep: the upper may bear on it slightly (it is soft), more than 1.5 mm presses on the
    # top of the foot; more than 8 mm of room feels sloppy.
    "instep": (-1.5, 8.0),
}
"""Shoe regions: (tight below, loose above) in mm of clearance."""

INSOLE_THRESHOLDS_MM: dict[str, tuple[float, float]] = {
    # Insole length beyond the longest toe: toes hanging 2 mm over the end are felt; more than 15 mm is
    # usually trimmed to fit the shoe.
    "toe": (-2.0, 15.0),
    # Insole edge beyond the foot's footprint, each side of the ball: the forefoot spreads over a 3 mm
    # narrower insole without feeling the edge; more than 5 mm wider no longer fits most shoes.
    "ball_medial": (-3.0, 5.0),
    "ball_lateral": (-3.0, 5.0),
    # Heel (mean of both sides): the heel cup rim must be outside the heel.
    "heel": (-3.0, 5.0),
    # Gap between the arch support and the arch: the support must not be higher than the arch (it would
    # push into it). The loose limit depends on the arch: see ARCH_UNSUPPORTED_FRACTION.
    "arch": (0.0, None),
}
"""Insole regions: (tight below, loose above) in mm."""
ARCH_UNSUPPORTED_FRACTION = 0.7
"""The arch is loose (little support) when the gap under it exceeds this share of the arch height ..."""
ARCH_MIN_GAP_MM = 6.0
"""... and this many mm (a flat foot needs no support)."""

REGION_TEXT = {
    "toe": "at the toes",
    "ball_medial": "at the ball, inner (big-toe) side",
    "ball_lateral": "at the ball, outer (little-toe) side",
    "heel": "at the heel",
    "instep": "over the instep",
    "arch": "under the arch",
}

LOWEST_COUNT = 3            # "least room" in a region: the mean of this many smallest clearances
FOOTPRINT_HEIGHT_MM = 40.0  # the footprint is the plan extent of the foot below this height
BIN_MM = 2.0                # bins along x for the foot's local width and height
HEEL_LOW_MM = 60.0          # the heel is found among the vertices below this (a scan may include the leg)
MAX_HEIGHT_FRACTION = 0.2   # ... and below this fraction of the product's foot length
SIDE_FLOOR_MM = 4.0         # the sides of the ball and heel are taken above this height (and 15 % of the foot's)

# Heat map. Colours are on the scale of the shoe's side clearance (mm): red below its tight threshold
# (-1.5), greens up to its loose threshold (4), blues beyond. Every other region's value is mapped linearly
# so that its own thresholds land on the same colours (see _on_scale): the colour always says the status.
HEAT_SCALE_MM = (-1.5, 4.0)
HEAT_ANCHORS_MM = np.array([-4.0, -1.5, -0.8, 0.0, 1.0, 4.0, 7.0, 14.0])
HEAT_COLOURS = np.array([[165, 15, 21], [222, 45, 38], [250, 150, 90], [186, 222, 140], [120, 198, 121],
                         [35, 139, 69], [107, 174, 214], [33, 102, 172]], float)
TOE_ZONE_MM = (30.0, 10.0)  # the toe colouring blends in from this far behind the toe tip to this far
OUTSIDE_COLOUR = (214, 196, 180)  # skin tone: parts of the foot outside the product
INSOLE_COLOUR = (240, 236, 228)
PANEL_SIZE = (640, 250)
DRAWN_HEIGHT_FRACTION = 0.45  # the heat map draws the foot up to this fraction of its length above the floor
LEGEND_HEIGHT = 58

_EXPONENTS = {name: inspect.signature(tube_mesh).parameters[name].default
              for name in ("exponent_below", "exponent_above")}  # the last's section shape (Last.tube)


# ---------------------------------------------------------------------------------------------------------
# public API


def fit_check(product_key: str, params: ShoeParams | InsoleParams, foot_mesh: trimesh.Trimesh | None = None, *,
              heatmap: bool = True, foot_model: bool = False) -> dict:
    """
    How well the product fits the foot, region by region.

    Parameters
    ----------
    product_key : str
      ``"shoe"`` or ``"insole"``.
    params : ShoeParams or InsoleParams
      The parsed parameters of one side (see :func:`.registry.parse`).
    foot_mesh : trimesh.Trimesh, optional
      The foot in the canonical flat frame (mm, standing on z=0, heel towards -x, on ``params.side``'s
      side: medial +y for a right foot). A scan may be open and include the lower leg. If None, the
      avatar of ``params.foot`` is used.
    heatmap : bool
      Render the heat map PNG (the foot coloured by clearance, seen from above and from the side).
    foot_model : bool
      Also return ``foot_glb``: the foot as placed in the product, faces coloured like the heat map, in the
      web model's frame (:func:`.export.to_glb_parts`), so a viewer can show it inside the product.

    Returns
    -------
    result : dict
      JSON-safe except ``heatmap_png`` (bytes or None)::

        {"verdict": "fits" | "tight" | "loose" | "tight_and_loose",
         "regions": {name: {"value_mm", "status": "tight" | "ok" | "loose", "tight_below_mm",
                            "loose_above_mm", ...}},
         "messages": [{"code", "region", "status", "params": {...}, "text"}],
         "min_clearance_mm", "foot_source": "scan" | "avatar", "foot_length_mm",
         "heatmap_png", "seconds"}

    Raises
    ------
    ParameterError
      Unknown product, parameters of another product, or a foot mesh that is not a plausible foot in mm.
    """
    started = time.perf_counter()
    kinds = {"shoe": ShoeParams, "insole": InsoleParams}
    if product_key not in kinds:
        raise ParameterError("product", "there is no fit check for this product", value=product_key,
                             allowed=", ".join(kinds))
    if not isinstance(params, kinds[product_key]):
        raise ParameterError("params", f"these are not the parameters of the {product_key}",
                             value=type(params).__name__, allowed=kinds[product_key].__name__)
    source = "avatar" if foot_mesh is None else "scan"
    if foot_mesh is None:
        foot_mesh = foot_avatar(params.foot, params.side)
    vertices = np.asarray(foot_mesh.vertices, float).reshape(-1, 3)
    faces = np.asarray(foot_mesh.faces, np.int64).reshape(-1, 3)
    if params.side == "left":  # work in the right-foot frame
        vertices = vertices * np.array([1.0, -1.0, 1.0])
        faces = faces[:, ::-1]
    flat = _placed_flat(vertices, params.foot.length_mm)
    if product_key == "shoe":
        result, clearance, scene = _shoe_fit(params, flat)
    else:
        result, clearance, scene = _insole_fit(params, flat)
    regions = result["regions"]
    statuses = {region["status"] for region in regions.values()}
    verdict = ("tight_and_loose" if {"tight", "loose"} <= statuses else "tight" if "tight" in statuses
               else "loose" if "loose" in statuses else "fits")
    png = None
    if heatmap:
        png = _heatmap_png(product_key, params.side, scene, faces, clearance)
    glb = _foot_glb(params.side, scene, faces, clearance) if foot_model else None
    return {
        "verdict": verdict,
        "regions": regions,
        "messages": _messages(regions, verdict),
        "min_clearance_mm": result["min_clearance_mm"],
        "foot_source": source,
        "foot_length_mm": result["foot_length_mm"],
        "heatmap_png": png,
        "foot_glb": glb,
        "seconds": round(time.perf_counter() - started, 4),
    }


def status_of(value_mm: float | None, thresholds: tuple[float, float]) -> str:
    """``"tight"`` below the first threshold, ``"loose"`` above the second, else ``"ok"`` (also for None)."""
    if value_mm is None:
        return "ok"
    low, high = thresholds
    return "tight" if value_mm < low else "loose" if value_mm > high else "ok"


def heat_rgb(clearance_mm: np.ndarray) -> np.ndarray:
    """
    Heat-map colours: red where tight, green where snug, blue where there is room.

    Parameters
    ----------
    clearance_mm : (n,) float
      On the scale :data:`HEAT_SCALE_MM` (tight below its first value, loose above its second).

    Returns
    -------
    rgb : (n, 3) uint8
    """
    values = np.asarray(clearance_mm, float)
    return np.stack([np.interp(values, HEAT_ANCHORS_MM, HEAT_COLOURS[:, k]) for k in range(3)],
                    axis=-1).round().astype(np.uint8)


# ---------------------------------------------------------------------------------------------------------
# shared


def _placed_flat(vertices: np.ndarray, product_foot_length_mm: float) -> np.ndarray:
    """
    The foot (right frame) on the floor with its heel at x=0.

    Returns
    -------
    vertices : (n, 3) float

    Raises
    ------
    ParameterError
      The mesh is not the size of a foot in mm (e.g. a scan still in metres).
    """
    extent = float(np.ptp(vertices, axis=0).max()) if len(vertices) else 0.0
    if not 100.0 <= extent <= 600.0:
        raise ParameterError("foot_mesh", "the foot mesh must be one foot in millimetres", value=round(extent, 3),
                             allowed="a largest extent of 100–600 mm")
    placed = vertices - np.array([0.0, 0.0, vertices[:, 2].min()])
    return _heel_at_origin(placed, product_foot_length_mm)


def _heel_at_origin(flat: np.ndarray, product_foot_length_mm: float) -> np.ndarray:
    """Shift along x so that the rearmost point of the heel (below the leg of a scan) is at x=0."""
    low = flat[:, 2] < min(HEEL_LOW_MM, MAX_HEIGHT_FRACTION * product_foot_length_mm)
    return flat - np.array([flat[low, 0].min(), 0.0, 0.0])


def _aligned(flat: np.ndarray, plan, product_foot_length_mm: float) -> np.ndarray:
    """
    The foot turned about z and shifted across so that its heel and ball centres lie on the product's.

    The centres are the middles of the y extent over the heel zone (0–0.2 of the length) and the ball
    zone (0.62–0.80), of the foot's footprint and of the product's plan outline ``plan(x) -> (y_lat,
    y_med)``. An avatar of the product's own measurements is already in place; a scan is turned by
    the few degrees its long axis may be off.
    """
    zones = ((0.0, 0.2), (0.62, 0.80))
    product_length = product_foot_length_mm
    centres_p = []
    for u0, u1 in zones:
        y_lat, y_med = plan(np.linspace(u0 * product_length, u1 * product_length, 100))
        centres_p.append((y_lat.min() + y_med.max()) / 2)
    for _ in range(2):  # the zones move a little with the turn: one more pass settles them
        low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
        length = flat[low, 0].max()
        centres_f = []
        for u0, u1 in zones:
            y = flat[low & (flat[:, 0] >= u0 * length) & (flat[:, 0] <= u1 * length), 1]
            centres_f.append((y.min() + y.max()) / 2)
        span_p, span_f = (0.71 - 0.1) * product_length, (0.71 - 0.1) * length  # between the zones' middles
        angle = np.arctan2(centres_p[1] - centres_p[0], span_p) - np.arctan2(centres_f[1] - centres_f[0], span_f)
        cos, sin = np.cos(angle), np.sin(angle)
        pivot = np.array([0.1 * length, centres_f[0]])
        xy = (flat[:, :2] - pivot) @ np.array([[cos, sin], [-sin, cos]]) + pivot
        flat = np.column_stack([xy, flat[:, 2]])
        flat = _heel_at_origin(flat, product_foot_length_mm)
        heel = (flat[:, 2] < FOOTPRINT_HEIGHT_MM) & (flat[:, 0] <= 0.2 * length)
        flat[:, 1] += centres_p[0] - (flat[heel, 1].min() + flat[heel, 1].max()) / 2
    return flat


def _bins(flat: np.ndarray, mask: np.ndarray,
          window: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """
    The foot's local extent per :data:`BIN_MM` bin along x, over the vertices in ``mask``.

    Each bin's extent is taken over ``window`` bins either side as well: a mesh's sections (a ring of
    vertices at one x, slightly turned) may straddle a bin boundary, and a bin holding part of a ring
    only would have a wrong extent.

    Returns
    -------
    index : (n,) int
      Bin of every vertex.
    y_min, y_max, z_max : (b,) float
      Per bin (NaN where no vertex of ``mask`` falls in the window).
    """
    index = np.floor(flat[:, 0] / BIN_MM).astype(np.int64)
    index -= index.min()
    count = index.max() + 1
    y_min, y_max, z_max = np.full(count, np.inf), np.full(count, -np.inf), np.full(count, -np.inf)
    np.minimum.at(y_min, index[mask], flat[mask, 1])
    np.maximum.at(y_max, index[mask], flat[mask, 1])
    np.maximum.at(z_max, index[mask], flat[mask, 2])
    y_min, y_max, z_max = _windowed(y_min, np.min, window), _windowed(y_max, np.max, window), _windowed(
        z_max, np.max, window)
    for array in (y_min, y_max, z_max):
        array[~np.isfinite(array)] = np.nan
    return index, y_min, y_max, z_max


def _windowed(values: np.ndarray, reduce, half: int) -> np.ndarray:
    """``reduce`` (np.min / np.max) over ``half`` neighbours either side of each entry (±inf padding)."""
    if half == 0:
        return values
    pad = np.inf if reduce is np.min else -np.inf
    padded = np.concatenate([np.full(half, pad), values, np.full(half, pad)])
    return reduce(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)


def _across(flat: np.ndarray, index: np.ndarray, y_min: np.ndarray, y_max: np.ndarray) -> np.ndarray:
    """Position of each vertex across the foot at its x: 0 lateral edge, 1 medial edge (NaN if unknown)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (flat[:, 1] - y_min[index]) / (y_max[index] - y_min[index])


def _least(values: np.ndarray) -> float | None:
    """Mean of the :data:`LOWEST_COUNT` smallest values (None if there are none)."""
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return None
    return float(np.sort(values)[:LOWEST_COUNT].mean())


def _on_scale(value_mm, thresholds: tuple[float, float]):
    """Map values so that ``thresholds`` (tight, loose) land on :data:`HEAT_SCALE_MM`: the heat map's colours."""
    (low, high), (t0, t1) = HEAT_SCALE_MM, thresholds
    return low + (np.asarray(value_mm, float) - t0) * (high - low) / (t1 - t0)


def _toe_weight(x_mm: np.ndarray, tip_mm: float) -> np.ndarray:
    """0 behind the toe zone, 1 near the toe tip (see :data:`TOE_ZONE_MM`), smooth in between."""
    start, full = TOE_ZONE_MM
    return smoothstep((np.asarray(x_mm, float) - (tip_mm - start)) / (start - full))


def _region(value_mm: float | None, thresholds: tuple[float, float], **extra) -> dict:
    rounded = None if value_mm is None else round(float(value_mm), 1) + 0.0  # + 0.0: no "-0.0"
    return {"value_mm": rounded, "status": status_of(value_mm, thresholds), "tight_below_mm": thresholds[0],
            "loose_above_mm": thresholds[1], **extra}


def _messages(regions: dict, verdict: str) -> list[dict]:
    """One message per region out of its range (tight first), or one saying it fits."""
    messages = []
    for status in ("tight", "loose"):
        for name, region in regions.items():
            if region["status"] != status:
                continue
            value = region["value_mm"]
            limit = region["tight_below_mm"] if status == "tight" else region["loose_above_mm"]
            if name == "arch":
                text = (f"Tight under the arch: the support is {-value:g} mm higher than your arch."
                        if status == "tight" else f"Little arch support: {value:g} mm left under your arch "
                        f"(more than {limit:g} mm).")
            elif name == "toe":
                text = (f"{status.capitalize()} {REGION_TEXT[name]}: {value:g} mm in front of the longest toe "
                        + (f"(at least {limit:g} mm is comfortable)." if status == "tight" else
                           f"(more than {limit:g} mm)."))
            else:
                text = (f"{status.capitalize()} {REGION_TEXT[name]}: "
                        + (f"{-value:g} mm into the foot." if status == "tight" and value < 0 else
                           f"{value:g} mm of room (limit {limit:g} mm)."))
            messages.append({"code": f"{name}_{status}", "region": name, "status": status,
                             "params": {"value_mm": value, "limit_mm": limit}, "text": text})
    if verdict == "fits":
        messages.append({"code": "fits", "region": None, "status": "ok", "params": {},
                         "text": "Fits: every region is within the comfortable range."})
    return messages


# ---------------------------------------------------------------------------------------------------------
# shoe


def _collar_z(the_last: _shoe.Last, x_mm: np.ndarray) -> np.ndarray:
    """
    Height of the collar opening's edge at ``x_mm`` (the line :func:`.shoe._collar_cutter` cuts along, with
    its throat at 0.62 L, 72 % up the last, rounded by 12 mm: keep the two in step); +inf in front of the
    throat, where the upper closes over the foot.
    """
    L = the_last.length_mm
    x_throat, radius = 0.62 * L, 12.0
    z_back = float(the_last.footbed_mm(0.0)) + the_last.collar_height_mm
    z_throat = float(the_last.footbed_mm(x_throat) + 0.72 * the_last.height_mm(np.array([x_throat]))[0])
    slope = (z_throat - z_back) / (x_throat - radius)
    x = np.asarray(x_mm, float)
    arc_dx = np.clip(x - (x_throat - radius), 0.0, radius)
    arc = z_throat + radius - np.sqrt(np.maximum(radius ** 2 - arc_dx ** 2, 0.0))
    return np.where(x < x_throat - radius, z_back + slope * x, np.where(x <= x_throat, arc, np.inf))


def _last_inside(the_last: _shoe.Last, spring: dict, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """
    Whether points are inside the (sprung) last: its superelliptic section at their x, evaluated exactly.

    Parameters
    ----------
    x : (g,) float
      Stations along the last.
    y, z : (n,) float
      Lines parallel to x.

    Returns
    -------
    inside : (n, g) bool
      Whether ``(x[j], y[i], z[i])`` is inside.
    """
    centre, half = the_last.plan.centre_half(x)
    height = the_last.height_mm(x)
    below = _shoe.BELOW_FRACTION * height
    z_mid = the_last.footbed_mm(x) + _shoe.toe_spring_mm(x, **spring) + below
    dz = z[:, None] - z_mid
    upper = dz >= 0
    p = np.where(upper, _EXPONENTS["exponent_above"], _EXPONENTS["exponent_below"])
    size = np.where(upper, height - below, below)
    inside = (np.abs(y[:, None] - centre) / half) ** p + np.abs(dz / size) ** p <= 1.0
    return inside & (x >= the_last.plan.start_mm) & (x <= the_last.plan.end_mm)


def _shoe_fit(params: ShoeParams, flat: np.ndarray) -> tuple[dict, np.ndarray, dict]:
    the_last = _shoe.last(params)
    spring = dict(foot_length_mm=params.foot.length_mm,
                  end_mm=the_last.plan.grown(params.wall_thickness_mm + _shoe.WELT_MM).end_mm)
    flat = _aligned(flat, the_last.plan, params.foot.length_mm)
    low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
    foot_length = float(flat[low, 0].max())

    # the foot in the shoe: raised by the footbed (heel pitch) and the toe spring at its x, like the last's bottom
    placed = flat.copy()
    placed[:, 2] += the_last.footbed_mm(flat[:, 0]) + _shoe.toe_spring_mm(flat[:, 0], **spring)
    cavity = the_last.tube()
    surface = np.array(cavity.vertices)
    surface[:, 2] += _shoe.toe_spring_mm(surface[:, 0], **spring)
    cavity = trimesh.Trimesh(vertices=surface, faces=cavity.faces, process=False)
    normals = np.asarray(cavity.vertex_normals)
    # signed distance to the tangent plane of the nearest cavity vertex: positive inside (room)
    _, nearest = cKDTree(surface).query(placed, k=1)
    clearance = np.einsum("ij,ij->i", normals[nearest], surface[nearest] - placed)
    inside_shoe = placed[:, 2] < _collar_z(the_last, placed[:, 0])

    index, y_min, y_max, z_max = _bins(flat, inside_shoe)
    across = _across(flat, index, y_min, y_max)
    u = flat[:, 0] / foot_length
    # sides: above the sole's rounded edge (where the room across is ill-defined on a scan)
    side_band = (flat[:, 2] > np.maximum(SIDE_FLOOR_MM, 0.15 * z_max[index])) & (flat[:, 2] < 0.7 * z_max[index])
    ball = inside_shoe & (u >= 0.62) & (u <= 0.80) & side_band
    heel_zone = inside_shoe & (u >= 0.12) & (u <= 0.22) & side_band & (flat[:, 2] < FOOTPRINT_HEIGHT_MM)
    instep = inside_shoe & (u >= 0.50) & (u <= 0.70) & (flat[:, 2] > 0.75 * z_max[index]) & (across > 0.25) & (
        across < 0.75)
    medial, lateral = across > 0.85, across < 0.15
    room_across = _side_room(the_last, spring, placed)  # (n, 2): towards the medial, the lateral wall
    # a point above the last's section at its x pokes through the roof: count its (negative) clearance
    room_across = np.where(np.isfinite(room_across), room_across, np.minimum(clearance, 0.0)[:, None])
    heel_medial = _least(room_across[heel_zone & medial, 0])
    heel_lateral = _least(room_across[heel_zone & lateral, 1])
    heel_value = None if heel_medial is None or heel_lateral is None else (heel_medial + heel_lateral) / 2
    # toe room: from the foot's frontmost vertices (within 1.5 mm of its front) along +x; a line that misses
    # the last (a toe above the toe box) counts that vertex's clearance instead
    tip = float(placed[inside_shoe, 0].max())
    zone = inside_shoe & (placed[:, 0] > tip - TOE_ZONE_MM[0])
    room = np.full(len(placed), np.nan)
    room[zone] = _ray_room(the_last, spring, placed[zone])
    front = inside_shoe & (placed[:, 0] >= tip - 1.5)
    toe = float(np.where(np.isfinite(room[front]), room[front], np.minimum(clearance[front], 0.0)).min())
    t = SHOE_THRESHOLDS_MM
    regions = {
        "toe": _region(toe, t["toe"]),
        "ball_medial": _region(_least(room_across[ball & medial, 0]), t["ball_medial"]),
        "ball_lateral": _region(_least(room_across[ball & lateral, 1]), t["ball_lateral"]),
        "heel": _region(heel_value, t["heel"], medial_mm=_rounded(heel_medial), lateral_mm=_rounded(heel_lateral)),
        "instep": _region(_least(clearance[instep]), t["instep"], covered=bool(instep.any())),
    }
    # heat map: the clearance (on the side scale); towards the toe tip the room ahead on the toe scale
    weight = _toe_weight(placed[:, 0], tip)
    ahead = np.where(np.isfinite(room), _on_scale(room, t["toe"]), clearance)
    shown = np.where(inside_shoe, (1 - weight) * clearance + weight * np.minimum(clearance, ahead), np.nan)
    drawn = flat[:, 2] < DRAWN_HEIGHT_FRACTION * foot_length
    scene = {"foot": placed, "drawn": drawn,
             "backdrops": lambda: {"top": _shoe_plan_backdrop(the_last, placed),
                                   "side": _shoe_side_backdrop(the_last, spring, placed)}}
    result = {"regions": regions, "min_clearance_mm": _rounded(clearance[inside_shoe].min() if inside_shoe.any()
                                                               else None),
              "foot_length_mm": round(foot_length, 1)}
    return result, shown, scene


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1) + 0.0  # + 0.0: no "-0.0"


def _side_room(the_last: _shoe.Last, spring: dict, points: np.ndarray) -> np.ndarray:
    """
    Room across (along y) from each point to the last's medial and lateral walls at its own x and height,
    from the last's section in closed form: at height ``dz`` from the widest line the section's half width
    is ``half * (1 - |dz / size|^p)^(1/p)``.

    Returns
    -------
    room_mm : (n, 2) float
      Towards the medial (+y) and the lateral wall; negative where the point is beyond that wall; -inf
      where the point is above or below the last at its x.
    """
    x, y, z = points.T
    centre, half = the_last.plan.centre_half(x)
    height = the_last.height_mm(x)
    below = _shoe.BELOW_FRACTION * height
    dz = z - (the_last.footbed_mm(x) + _shoe.toe_spring_mm(x, **spring) + below)
    upper = dz >= 0
    p = np.where(upper, _EXPONENTS["exponent_above"], _EXPONENTS["exponent_below"])
    reach = np.abs(dz) / np.where(upper, height - below, below)
    with np.errstate(invalid="ignore"):
        half_at = np.where(reach <= 1.0, half * (1.0 - np.minimum(reach, 1.0) ** p) ** (1.0 / p), -np.inf)
    return np.column_stack([centre + half_at - y, y - (centre - half_at)])


def _ray_room(the_last: _shoe.Last, spring: dict, points: np.ndarray) -> np.ndarray:
    """
    Room ahead of each point: along +x at its own y and height, to where the line leaves the last.

    Parameters
    ----------
    points : (n, 3) float
      Points near the toe (within :data:`TOE_ZONE_MM` of the foot's front).

    Returns
    -------
    room_mm : (n,) float
      Negative if the point is already beyond the last's front on that line; NaN if the line misses the
      last entirely (a point above the toe box).
    """
    if len(points) == 0:
        return np.empty(0)
    x = np.arange(points[:, 0].min() - 20.0, max(the_last.plan.end_mm, points[:, 0].max()) + 0.5, 0.2)  # (g,)
    inside = _last_inside(the_last, spring, x, points[:, 1], points[:, 2])
    exit_x = np.where(inside.any(axis=1), np.where(inside, x, -np.inf).max(axis=1), np.nan)
    return exit_x - points[:, 0]


def _flat_slab(outline: np.ndarray, thickness_mm: float = 0.2) -> trimesh.Trimesh:
    """A thin slab of a plan outline (counter-clockwise (n, 2) points), bottom at z=0."""
    polygon = shapely.Polygon(outline).buffer(0)
    return trimesh.creation.extrude_polygon(polygon, height=thickness_mm)


def _backdrop(outline: np.ndarray, rim_mm: float) -> list[tuple[trimesh.Trimesh, tuple]]:
    """The outline as a pale plate with a darker rim ``rim_mm`` wide around it (plate 0.3 mm above the rim)."""
    inner = _flat_slab(outline)
    inner.apply_translation((0.0, 0.0, 0.3))
    rim = trimesh.creation.extrude_polygon(shapely.Polygon(outline).buffer(rim_mm), height=0.2)
    return [(inner, (255, 255, 255)), (rim, (125, 125, 125))]


def _shoe_plan_backdrop(the_last: _shoe.Last, placed: np.ndarray) -> list:
    """The cavity's plan outline under the foot."""
    parts = _backdrop(the_last.plan.polygon(160), 1.2)
    for mesh, _ in parts:
        mesh.apply_translation((0.0, 0.0, placed[:, 2].min() - 3.0))
    return parts


def _shoe_side_backdrop(the_last: _shoe.Last, spring: dict, placed: np.ndarray) -> list:
    """The cavity's side silhouette (up to the collar opening), standing behind the foot on its medial side."""
    x = np.linspace(the_last.plan.start_mm, the_last.plan.end_mm, 200)
    bottom = the_last.footbed_mm(x) + _shoe.toe_spring_mm(x, **spring)
    top = np.minimum(bottom + the_last.height_mm(x), _collar_z(the_last, x))
    outline = np.concatenate([np.column_stack([x, bottom]), np.column_stack([x[::-1], top[::-1]])])
    parts = _backdrop(outline, 1.2)
    # x–y plate -> x–z plate: (x, y, z) -> (x, far - z, y), standing behind the foot seen from -y
    far = placed[:, 1].max() + 3.0
    rotation = np.array([[1.0, 0, 0, 0], [0, 0, -1.0, far], [0, 1.0, 0, 0], [0, 0, 0, 1.0]])
    for mesh, _ in parts:
        mesh.apply_transform(rotation)
    return parts


# ---------------------------------------------------------------------------------------------------------
# insole


def arch_height_mm(flat: np.ndarray, foot_length_mm: float) -> float:
    """
    Height of the medial arch above the floor, measured on a foot mesh standing on z=0 (right frame).

    Over 0.25–0.55 of the foot length, in windows of five :data:`BIN_MM` bins along x where the sole
    touches the floor (a vertex within 3 mm of it), the underside height is the lowest vertex in the
    medial band of the footprint (75–95 % of the way from the lateral to the medial edge); the arch
    height is the highest of these.
    """
    low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
    index, y_min, y_max, _ = _bins(flat, low)
    floor = np.full(len(y_min), np.inf)
    np.minimum.at(floor, index, flat[:, 2])
    floor = _windowed(floor, np.min, 2)
    across = _across(flat, index, y_min, y_max)
    u = flat[:, 0] / foot_length_mm
    band = low & (u >= 0.25) & (u <= 0.55) & (across >= 0.75) & (across <= 0.95) & (floor[index] < 3.0)
    if not band.any():
        return 0.0
    underside = np.full(len(y_min), np.inf)
    np.minimum.at(underside, index[band], flat[band, 2])
    underside = _windowed(underside, np.min, 2)
    return float(underside[np.isfinite(underside)].max())


def _insole_fit(params: InsoleParams, flat: np.ndarray) -> tuple[dict, np.ndarray, dict]:
    profile = _insole.outline(params)
    flat = _aligned(flat, profile, params.foot.length_mm)
    low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
    foot_length = float(flat[low, 0].max())

    index, y_min, y_max, _ = _bins(flat, low, window=0)  # margins: the smallest over the bins (below) is robust
    centres = (np.arange(len(y_min)) + 0.5) * BIN_MM + np.floor(flat[:, 0].min() / BIN_MM) * BIN_MM
    ins_lat, ins_med = profile(centres)
    ins_lat = np.where((centres >= profile.start_mm) & (centres <= profile.end_mm), ins_lat, np.nan)
    ins_med = np.where((centres >= profile.start_mm) & (centres <= profile.end_mm), ins_med, np.nan)
    u_bin = centres / foot_length
    medial_margin, lateral_margin = ins_med - y_max, y_min - ins_lat  # + the insole reaches beyond the foot

    def least_in(margin: np.ndarray, u0: float, u1: float) -> float | None:
        return _least(margin[(u_bin >= u0) & (u_bin <= u1)])

    heel_medial, heel_lateral = least_in(medial_margin, 0.12, 0.22), least_in(lateral_margin, 0.12, 0.22)
    heel_value = None if heel_medial is None or heel_lateral is None else (heel_medial + heel_lateral) / 2
    # toe: from the foot's frontmost vertices along +x to the insole's edge
    tips = flat[low & (flat[:, 0] >= foot_length - 1.5)]
    x = np.arange(0.4 * foot_length, profile.end_mm + 0.5, 0.2)
    edge_lat, edge_med = profile(x)
    on = (tips[:, 1:2] >= edge_lat) & (tips[:, 1:2] <= edge_med) & (x <= profile.end_mm)
    boundary = shapely.LinearRing(profile.polygon(200))
    # a toe beside the insole's front (its line misses the outline): minus its distance to the outline
    beside = -shapely.distance(shapely.points(tips[:, 0], tips[:, 1]), boundary)
    toe = float(np.where(on.any(axis=1), np.where(on, x, -np.inf).max(axis=1) - tips[:, 0], beside).min())
    foot_arch = arch_height_mm(flat, foot_length)
    t = INSOLE_THRESHOLDS_MM
    arch_limits = (t["arch"][0], round(max(ARCH_UNSUPPORTED_FRACTION * foot_arch, ARCH_MIN_GAP_MM), 1))
    regions = {
        "toe": _region(toe, t["toe"]),
        "ball_medial": _region(least_in(medial_margin, 0.62, 0.80), t["ball_medial"]),
        "ball_lateral": _region(least_in(lateral_margin, 0.62, 0.80), t["ball_lateral"]),
        "heel": _region(heel_value, t["heel"], medial_mm=_rounded(heel_medial), lateral_mm=_rounded(heel_lateral)),
        "arch": _region(foot_arch - params.arch_mm, arch_limits, support_mm=round(params.arch_mm, 1),
                        foot_arch_mm=round(foot_arch, 1)),
    }
    # heat map: each half-section of the foot shows its side's margin at its x, the toes the toe margin,
    # the medial underside of the arch the arch gap, each on the heat scale
    _, y_min_w, y_max_w, _ = _bins(flat, low)
    across = _across(flat, index, y_min_w, y_max_w)
    side_margin = np.where(across >= 0.5, medial_margin[index], lateral_margin[index])
    shown = _on_scale(side_margin, t["ball_medial"])
    weight = _toe_weight(flat[:, 0], foot_length)
    shown = (1 - weight) * shown + weight * _on_scale(toe, t["toe"])
    u = flat[:, 0] / foot_length
    arch = (u >= 0.2) & (u <= 0.6) & (across > 0.5) & (flat[:, 2] < foot_arch + 4.0)
    shown = np.where(arch, _on_scale(foot_arch - params.arch_mm, arch_limits), shown)
    shown[flat[:, 2] > HEEL_LOW_MM] = np.nan  # the ankle: nothing to do with the insole
    # the foot stands on the insole's base; the heat map draws the insole (without pockets) under it
    placed = flat + np.array([0.0, 0.0, params.thickness_mm])

    def backdrops() -> dict:
        plate = _insole.insole(replace(params, side="right", cushioning="none"))
        return {"top": [(plate, INSOLE_COLOUR)], "side": [(plate, INSOLE_COLOUR)]}

    margins = [toe, least_in(medial_margin, 0.0, 1.0), least_in(lateral_margin, 0.0, 1.0)]
    result = {"regions": regions, "min_clearance_mm": _rounded(min(m for m in margins if m is not None)),
              "foot_length_mm": round(foot_length, 1)}
    drawn = flat[:, 2] < DRAWN_HEIGHT_FRACTION * foot_length
    return result, shown, {"foot": placed, "drawn": drawn, "backdrops": backdrops}


# ---------------------------------------------------------------------------------------------------------
# heat map


def _foot_glb(side: str, scene: dict, faces: np.ndarray, clearance: np.ndarray) -> bytes:
    """The placed foot (lower leg left out) with heat-map face colours, as the viewer's GLB."""
    faces = faces[scene["drawn"][faces].any(axis=1)]
    face_values = clearance[faces].mean(axis=1)
    rgb = np.where(np.isnan(face_values)[:, None], np.array(OUTSIDE_COLOUR, np.uint8), heat_rgb(np.nan_to_num(face_values)))
    mesh = trimesh.Trimesh(vertices=scene["foot"], faces=faces, process=False)
    mesh.remove_unreferenced_vertices()
    if side == "left":
        mesh = mirror_y(mesh)
    mesh.visual.face_colors = np.concatenate([rgb, np.full((len(rgb), 1), 255, np.uint8)], axis=1)
    return export.to_glb_parts({"foot": mesh})


def _heatmap_png(product_key: str, side: str, scene: dict, faces: np.ndarray, clearance: np.ndarray) -> bytes:
    """
    Two panels (from above, from the side) of the foot coloured by clearance over a faint drawing of the
    product, and a legend. The left foot is drawn as itself (mirrored back).
    """
    # a scan may include the lower leg: draw the foot only, so that it fills the panels
    faces = faces[scene["drawn"][faces].any(axis=1)]
    face_values = clearance[faces].mean(axis=1)
    foot_rgb = np.where(np.isnan(face_values)[:, None], np.array(OUTSIDE_COLOUR, np.uint8),
                        heat_rgb(np.nan_to_num(face_values)))
    images = {}
    backdrops = scene["backdrops"]()
    # the shoe is seen from the outer side; the insole from the inner side (the arch)
    side_angle = "side" if product_key == "shoe" else "medial"
    for view, angle in (("top", "top"), ("side", side_angle)):
        vertices = [scene["foot"]]
        face_list = [faces]
        colours = [foot_rgb]
        offset = len(scene["foot"])
        for mesh, colour in backdrops[view]:
            vertices.append(np.asarray(mesh.vertices))
            face_list.append(np.asarray(mesh.faces) + offset)
            colours.append(np.broadcast_to(np.array(colour, np.uint8), (len(mesh.faces), 3)))
            offset += len(mesh.vertices)
        mesh = trimesh.Trimesh(vertices=np.concatenate(vertices), faces=np.concatenate(face_list), process=False)
        if side == "left":
            mesh = mirror_y(mesh)
            angle = {"side": "medial", "medial": "side"}.get(angle, angle)
        rgba = np.concatenate([np.concatenate(colours), np.full((len(mesh.faces), 1), 255, np.uint8)], axis=1)
        mesh.visual.face_colors = rgba
        images[view] = render.views(mesh, size=PANEL_SIZE, angles=(angle,))[angle]
    width, height = PANEL_SIZE
    canvas = Image.new("RGB", (width, 2 * height + LEGEND_HEIGHT), "white")
    canvas.paste(Image.open(io.BytesIO(images["top"])), (0, 0))
    canvas.paste(Image.open(io.BytesIO(images["side"])), (0, height))
    draw = ImageDraw.Draw(canvas)
    font = _font(13)
    draw.text((8, 6), "from above", fill=(90, 90, 90), font=font)
    draw.text((8, height + 6), "outer side" if product_key == "shoe" else "inner side", fill=(90, 90, 90), font=font)
    _legend(draw, (0, 2 * height), width, font)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", compress_level=render.PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: the fixed bitmap font
        return ImageFont.load_default()


def _legend(draw: ImageDraw.ImageDraw, origin: tuple[int, int], width: int, font) -> None:
    """A colour bar over the heat map's range, with what the colours mean (no numbers: see the module doc)."""
    x0, y0 = origin[0] + 40, origin[1] + 10
    bar_w, bar_h = width - 200, 12
    low, high = HEAT_ANCHORS_MM[0], HEAT_ANCHORS_MM[-1]
    values = low + (high - low) * (np.arange(bar_w) + 0.5) / bar_w
    for i, rgb in enumerate(heat_rgb(values).tolist()):
        draw.line([(x0 + i, y0), (x0 + i, y0 + bar_h)], fill=tuple(rgb))
    for label, value in (("tight", -2.75), ("snug", 1.75), ("room", 11.5)):
        x = x0 + (value - low) / (high - low) * bar_w
        draw.text((x, y0 + bar_h + 6), label, fill=(60, 60, 60), font=font, anchor="ma")
    swatch = x0 + bar_w + 40
    draw.rectangle([swatch, y0, swatch + 24, y0 + bar_h], fill=OUTSIDE_COLOUR)
    draw.text((swatch + 12, y0 + bar_h + 6), "not covered", fill=(60, 60, 60), font=font, anchor="ma")
