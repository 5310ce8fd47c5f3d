"""
Where a foot stands in a product, and its footprint: shared by the fit check and by the products shaped by a
scan, so that a last or an insole follows the foot exactly where the fit check will later put it.

Frame: the product's right-foot frame (heel at x=0, toe towards +x, floor z=0, medial side +y), mm.
"""
from __future__ import annotations

import numpy as np

from ._scan_frame import FOOTPRINT_HEIGHT_MM
from .errors import ParameterError

BIN_MM = 2.0                # bins along x for the foot's local width and height
HEEL_LOW_MM = 60.0          # the heel is found among the vertices below this (a scan may include the leg)
MAX_HEIGHT_FRACTION = 0.2   # ... and below this fraction of the product's foot length
ALIGN_ZONES = ((0.0, 0.2), (0.62, 0.80))  # heel and ball zones (fractions of the length) whose centres align


def right_frame(vertices: np.ndarray, faces: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    """
    A foot of ``side`` in the right-foot frame: a left foot is mirrored in y (winding reversed).

    Returns
    -------
    vertices : (n, 3) float
    faces : (m, 3) int
    """
    vertices = np.asarray(vertices, float).reshape(-1, 3)
    faces = np.asarray(faces, np.int64).reshape(-1, 3)
    if side == "left":
        return vertices * np.array([1.0, -1.0, 1.0]), faces[:, ::-1]
    return vertices, faces


def placed_flat(vertices: np.ndarray, product_foot_length_mm: float) -> np.ndarray:
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
    return heel_at_origin(placed, product_foot_length_mm)


def heel_at_origin(flat: np.ndarray, product_foot_length_mm: float) -> np.ndarray:
    """Shift along x so that the rearmost point of the heel (below the leg of a scan) is at x=0."""
    low = flat[:, 2] < min(HEEL_LOW_MM, MAX_HEIGHT_FRACTION * product_foot_length_mm)
    return flat - np.array([flat[low, 0].min(), 0.0, 0.0])


def aligned(flat: np.ndarray, plan, product_foot_length_mm: float) -> np.ndarray:
    """
    The foot turned about z and shifted across so that its heel and ball centres lie on the product's.

    The centres are the middles of the y extent over the heel zone (0–0.2 of the length) and the ball
    zone (0.62–0.80), of the foot's footprint and of the product's plan outline ``plan(x) -> (y_lat,
    y_med)``. An avatar of the product's own measurements is already in place; a scan is turned by
    the few degrees its long axis may be off.
    """
    product_length = product_foot_length_mm
    centres_p = []
    for u0, u1 in ALIGN_ZONES:
        y_lat, y_med = plan(np.linspace(u0 * product_length, u1 * product_length, 100))
        centres_p.append((y_lat.min() + y_med.max()) / 2)
    for _ in range(2):  # the zones move a little with the turn: one more pass settles them
        low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
        length = flat[low, 0].max()
        centres_f = []
        for u0, u1 in ALIGN_ZONES:
            y = flat[low & (flat[:, 0] >= u0 * length) & (flat[:, 0] <= u1 * length), 1]
            centres_f.append((y.min() + y.max()) / 2)
        span_p, span_f = (0.71 - 0.1) * product_length, (0.71 - 0.1) * length  # between the zones' middles
        angle = np.arctan2(centres_p[1] - centres_p[0], span_p) - np.arctan2(centres_f[1] - centres_f[0], span_f)
        cos, sin = np.cos(angle), np.sin(angle)
        pivot = np.array([0.1 * length, centres_f[0]])
        xy = (flat[:, :2] - pivot) @ np.array([[cos, sin], [-sin, cos]]) + pivot
        flat = np.column_stack([xy, flat[:, 2]])
        flat = heel_at_origin(flat, product_foot_length_mm)
        heel = (flat[:, 2] < FOOTPRINT_HEIGHT_MM) & (flat[:, 0] <= 0.2 * length)
        flat[:, 1] += centres_p[0] - (flat[heel, 1].min() + flat[heel, 1].max()) / 2
    return flat


def bins(flat: np.ndarray, mask: np.ndarray,
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
    y_min, y_max, z_max = windowed(y_min, np.min, window), windowed(y_max, np.max, window), windowed(
        z_max, np.max, window)
    for array in (y_min, y_max, z_max):
        array[~np.isfinite(array)] = np.nan
    return index, y_min, y_max, z_max


def bin_centres(flat: np.ndarray, count: int) -> np.ndarray:
    """x of the middle of each of the ``count`` bins of :func:`bins` for these vertices."""
    return (np.arange(count) + 0.5) * BIN_MM + np.floor(flat[:, 0].min() / BIN_MM) * BIN_MM


def windowed(values: np.ndarray, reduce, half: int) -> np.ndarray:
    """``reduce`` (np.min / np.max) over ``half`` neighbours either side of each entry (±inf padding)."""
    if half == 0:
        return values
    pad = np.inf if reduce is np.min else -np.inf
    padded = np.concatenate([np.full(half, pad), values, np.full(half, pad)])
    return reduce(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)


def across(flat: np.ndarray, index: np.ndarray, y_min: np.ndarray, y_max: np.ndarray) -> np.ndarray:
    """Position of each vertex across the foot at its x: 0 lateral edge, 1 medial edge (NaN if unknown)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (flat[:, 1] - y_min[index]) / (y_max[index] - y_min[index])


def arch_height_mm(flat: np.ndarray, foot_length_mm: float) -> float:
    """
    Height of the medial arch above the floor, measured on a foot mesh standing on z=0 (right frame).

    Over 0.25–0.55 of the foot length, in windows of five :data:`BIN_MM` bins along x where the sole
    touches the floor (a vertex within 3 mm of it), the underside height is the lowest vertex in the
    medial band of the footprint (75–95 % of the way from the lateral to the medial edge); the arch
    height is the highest of these.
    """
    low = flat[:, 2] < FOOTPRINT_HEIGHT_MM
    index, y_min, y_max, _ = bins(flat, low)
    floor = np.full(len(y_min), np.inf)
    np.minimum.at(floor, index, flat[:, 2])
    floor = windowed(floor, np.min, 2)
    position = across(flat, index, y_min, y_max)
    u = flat[:, 0] / foot_length_mm
    band = low & (u >= 0.25) & (u <= 0.55) & (position >= 0.75) & (position <= 0.95) & (floor[index] < 3.0)
    if not band.any():
        return 0.0
    underside = np.full(len(y_min), np.inf)
    np.minimum.at(underside, index[band], flat[band, 2])
    underside = windowed(underside, np.min, 2)
    return float(underside[np.isfinite(underside)].max())
