"""
Does a product fit a foot? Place the foot in the product, measure the room around it region by region
and draw a heat map a shopper reads at a glance.

The foot is a mesh in the canonical flat frame (heel at x=0, toe towards +x, standing on z=0, mm; medial
side +y for the right foot, -y for the left): a scan, or else :func:`.avatar.foot_avatar` of the
measurements the product was built from. Everything is computed in the right-foot frame (a left foot is
mirrored first), so a left foot and its mirror image get the same regions. The foot is set on the floor,
its heel moved to x=0 and, for a scan, turned about z and shifted across so that its heel and ball centres
lie on the product's parametric outline (:mod:`._placement`; an avatar is already in place). A product shaped
by a scan (``shaped_by``) was built from the foot placed exactly this way.

The check measures the product's own geometry: the shoe's :class:`.shoe.Last` (its sections and its cavity mesh,
see :mod:`.shoe_fit`), the insole's :func:`.insole.shape` (:mod:`.insole_fit`). Regions and their thresholds:
:mod:`.regions` (value below the first threshold is "tight", above the second "loose"; every region reports its
own as ``tight_below_mm`` / ``loose_above_mm``). Messages: :mod:`.messages`. Heat map: :mod:`.heatmap`.
"""
from __future__ import annotations

import time

import numpy as np
import trimesh

from .. import _placement
from .. import insole as _insole
from .. import shoe as _shoe
from ..avatar import foot_avatar
from ..errors import ParameterError
from ..insole import InsoleParams
from ..shoe import ShoeParams
from .heatmap import heat_rgb
from .insole_fit import insole_fit
from .messages import REGION_TEXT, messages
from .regions import (ARCH_MIN_GAP_MM, ARCH_UNSUPPORTED_FRACTION, INSOLE_THRESHOLDS_MM, LOWEST_COUNT,
                      SHOE_THRESHOLDS_MM, status_of)
from .shoe_fit import shoe_fit
from . import heatmap as _heatmap

__all__ = ["ARCH_MIN_GAP_MM", "ARCH_UNSUPPORTED_FRACTION", "INSOLE_THRESHOLDS_MM", "LOWEST_COUNT", "REGION_TEXT",
           "SHOE_THRESHOLDS_MM", "arch_height_mm", "fit_check", "heat_rgb", "status_of"]


def fit_check(product_key: str, params: ShoeParams | InsoleParams, foot_mesh: trimesh.Trimesh | None = None, *,
              shaped_by: trimesh.Trimesh | None = None, heatmap: bool = True, foot_model: bool = False,
              renderer: str = "auto") -> dict:
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
    shaped_by : trimesh.Trimesh, optional
      The scanned foot the product was shaped by (``foot_mesh`` of :func:`.registry.build_parts`); None for a
      product built from the six measurements.
    heatmap : bool
      Render the heat map PNG (the foot coloured by clearance, seen from above and from the side).
    foot_model : bool
      Also return ``foot_glb``: the foot as placed in the product, faces coloured like the heat map, in the
      web model's frame (:func:`.export.to_glb_parts`), so a viewer can show it inside the product.
    renderer : str
      The heat map's renderer, see :func:`geometry.render.views` (the app passes its setting).

    Returns
    -------
    result : dict
      JSON-safe except ``heatmap_png`` (bytes or None)::

        {"verdict": "fits" | "tight" | "loose" | "tight_and_loose",
         "regions": {name: {"value_mm", "status": "tight" | "ok" | "loose", "tight_below_mm",
                            "loose_above_mm", ...}},
         "messages": [{"code", "region", "status", "params": {...}, "text"}],
         "min_clearance_mm", "foot_source": "scan" | "avatar", "shaped_by_scan": bool, "foot_length_mm",
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
    vertices, faces = _placement.right_frame(foot_mesh.vertices, foot_mesh.faces, params.side)
    _placement.placed_flat(vertices, params.foot.length_mm)  # refuses a mesh that is not a foot in mm
    if product_key == "shoe":
        result, clearance, scene = shoe_fit(vertices, _shoe.last(params, shaped_by))
    else:
        result, clearance, scene = insole_fit(params, vertices, _insole.shape(params, shaped_by))
    regions = result["regions"]
    statuses = {region["status"] for region in regions.values()}
    verdict = ("tight_and_loose" if {"tight", "loose"} <= statuses else "tight" if "tight" in statuses
               else "loose" if "loose" in statuses else "fits")
    png = None
    if heatmap:
        png = _heatmap.heatmap_png(product_key, params.side, scene, faces, clearance, renderer=renderer)
    glb = _heatmap.foot_glb(params.side, scene, faces, clearance) if foot_model else None
    return {
        "verdict": verdict,
        "regions": regions,
        "messages": messages(regions, verdict),
        "min_clearance_mm": result["min_clearance_mm"],
        "foot_source": source,
        "shaped_by_scan": shaped_by is not None,
        "foot_length_mm": result["foot_length_mm"],
        "heatmap_png": png,
        "foot_glb": glb,
        "seconds": round(time.perf_counter() - started, 4),
    }


arch_height_mm = _placement.arch_height_mm  # kept importable from here: the fit measures the arch this way
