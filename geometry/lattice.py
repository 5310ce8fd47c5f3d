"""
Graded honeycomb for printed midsoles (2.5D, no Django here).

The midsole's plan outline keeps a solid rim; inside it, a hexagonal grid of vertical hexagonal
cells is cut through the whole midsole height. The cells are open at the top and bottom and are
closed in the assembled shoe by the upper's footbed layer and the outsole, so the midsole prints
without supports and stays one body (the web between cells is connected through the rim).

Solid fraction (web area / plan area) on a hexagonal grid of pitch ``P`` with hexagonal holes of
inradius ``r`` is ``1 - (2 r / P)^2``; the holes are sized from the wanted local solid fraction.
The gradient (heel -> toe) is :func:`solid_fraction`: the chosen density under the heel, falling
smoothly over the midfoot to ``TOE_DENSITY_RATIO`` times that under the forefoot, so the forefoot
bends and cushions more while the heel stays stable.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import shapely

from ._shape import smoothstep

CELL_PITCH_MM = 12.0       # centre distance of neighbouring cells
RIM_MM = 3.0               # solid border of the midsole around the honeycomb
MIN_WEB_MM = 0.8           # thinnest wall between two cells (two 0.4 mm nozzle lines)
MIN_HOLE_AREA_MM2 = 3.0    # smaller cell fragments at the rim are left solid
TOE_DENSITY_RATIO = 0.55   # forefoot solid fraction / heel solid fraction
GRADIENT_START = 0.25      # fraction of the foot length where the density starts to fall ...
GRADIENT_END = 0.75        # ... and where it reaches the forefoot value


def solid_fraction(x_mm: np.ndarray, *, foot_length_mm: float, heel_density: float) -> np.ndarray:
    """
    Wanted solid fraction of the honeycomb along the foot (before the minimum-web limit).

    Parameters
    ----------
    x_mm : (n,) float
      Positions along the foot, heel at 0.
    foot_length_mm : float
    heel_density : float
      Solid fraction under the heel, in (0, 1).

    Returns
    -------
    fraction : (n,) float
      ``heel_density`` up to ``GRADIENT_START * L``, falling smoothly to
      ``TOE_DENSITY_RATIO * heel_density`` at ``GRADIENT_END * L`` and beyond.
    """
    u = (np.asarray(x_mm, float) - GRADIENT_START * foot_length_mm) / ((GRADIENT_END - GRADIENT_START)
                                                                        * foot_length_mm)
    return heel_density * (1.0 - (1.0 - TOE_DENSITY_RATIO) * smoothstep(u))


def hex_centres(bounds: tuple[float, float, float, float], pitch_mm: float) -> np.ndarray:
    """
    Centres of a hexagonal grid covering ``bounds = (xmin, ymin, xmax, ymax)``.

    Rows run along y (spacing ``pitch * sqrt(3) / 2`` in x), every other row shifted by half a pitch.

    Returns
    -------
    centres : (k, 2) float
    """
    xmin, ymin, xmax, ymax = bounds
    dx = pitch_mm * np.sqrt(3.0) / 2.0
    rows = np.arange(np.floor(xmin / dx) - 1, np.ceil(xmax / dx) + 2)
    cols = np.arange(np.floor(ymin / pitch_mm) - 1, np.ceil(ymax / pitch_mm) + 2)
    R, C = np.meshgrid(rows, cols, indexing="ij")
    # odd rows are shifted by half a pitch in y: the hexagonal close packing
    return np.column_stack([(R * dx).ravel(), ((C + 0.5 * (R % 2)) * pitch_mm).ravel()])


def honeycomb_holes(outline: shapely.Polygon, *, foot_length_mm: float, heel_density: float,
                    pitch_mm: float = CELL_PITCH_MM, rim_mm: float = RIM_MM,
                    fraction_fn: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """
    The cells to cut from a midsole with this plan outline.

    Parameters
    ----------
    outline : shapely.Polygon
      Plan outline of the midsole (mm, heel towards x=0).
    foot_length_mm : float
      Scales the heel-to-toe gradient.
    heel_density : float
      Solid fraction under the heel, see :func:`solid_fraction`.
    fraction_fn : callable, optional
      ``fraction_fn(centres) -> (k,) float``: the wanted solid fraction at each cell centre
      ((k, 2) mm), replacing the heel-to-toe :func:`solid_fraction` gradient (which then ignores
      ``foot_length_mm`` and ``heel_density``).

    Returns
    -------
    holes : (h,) shapely.Polygon
      Disjoint cells, each at least ``MIN_WEB_MM`` from the next and ``rim_mm`` inside the outline.
    """
    inner = outline.buffer(-rim_mm)
    centres = hex_centres(inner.bounds, pitch_mm)
    if fraction_fn is None:
        fraction = solid_fraction(centres[:, 0], foot_length_mm=foot_length_mm, heel_density=heel_density)
    else:
        fraction = np.asarray(fraction_fn(centres), float)
    # hole inradius from the solid fraction, limited so the web never gets thinner than MIN_WEB_MM
    inradius = np.minimum(0.5 * pitch_mm * np.sqrt(1.0 - fraction), 0.5 * (pitch_mm - MIN_WEB_MM))
    circumradius = inradius / np.cos(np.pi / 6)
    # flat sides face the six neighbours (which lie at 0, 60, ... degrees from +y): corners at 0, 60, ... from +x
    angles = np.arange(6) * np.pi / 3
    corners = centres[:, None, :] + circumradius[:, None, None] * np.stack([np.cos(angles), np.sin(angles)], -1)
    cells = shapely.polygons(corners)
    holes = shapely.intersection(cells, inner)
    holes = shapely.get_parts(holes)
    holes = holes[(shapely.get_type_id(holes) == 3) & (shapely.area(holes) >= MIN_HOLE_AREA_MM2)]
    return holes


def plan_solid_fraction(outline: shapely.Polygon, holes: np.ndarray, window: shapely.Polygon) -> float:
    """Web area / window area inside ``window`` (the plan solid fraction of a prismatic honeycomb)."""
    solid = shapely.difference(shapely.intersection(outline, window), shapely.union_all(holes))
    return float(solid.area / window.area)
