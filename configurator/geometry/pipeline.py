"""
From a product, its options and measured feet to the files we ship: print files, web mesh, preview, report.

Shared by the Celery build and the `build_design` command so both produce byte-identical files.
Pure: no Django.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from configurator.geometry import export, registry, render, report
from configurator.geometry.params import Params

ProgressCallback = Callable[[str, float], None]


@dataclass
class SideArtifacts:
    """Everything built for one foot: file bytes by kind ("3mf", "stl", "glb", "png") and its report."""

    side: str
    files: dict[str, bytes] = field(default_factory=dict)
    report: dict = field(default_factory=dict)


def sides_build(
    product_key: str,
    params_by_side: Mapping[str, Params],
    *,
    on_progress: ProgressCallback | None = None,
) -> dict[str, SideArtifacts]:
    """
    Build, export and render each side, timing every step.

    Parameters
    ----------
    product_key : str
      A key of `registry.product_keys()`.
    params_by_side : {"left"|"right": Params}
      Already validated parameters, one per foot to build.
    on_progress : callable(stage, fraction), optional
      Called with the overall fraction in [0, 1] across all sides.
    """
    results: dict[str, SideArtifacts] = {}
    count = len(params_by_side)
    for index, (side, params) in enumerate(params_by_side.items()):

        def side_progress(stage: str, fraction: float, *, _index: int = index, _side: str = side) -> None:
            if on_progress is not None:
                on_progress(f"{_side}: {stage}", (_index + fraction) / count)

        artifacts = SideArtifacts(side=side)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        mesh = registry.build(product_key, params, on_progress=lambda stage, f: side_progress(stage, 0.7 * f))
        timings["build_seconds"] = time.perf_counter() - started

        started = time.perf_counter()
        name = f"{product_key}-{side}"
        color = getattr(params, "color", None)
        artifacts.files["3mf"] = export.to_3mf(mesh, name=name, color=color)
        artifacts.files["stl"] = export.to_stl(mesh)
        artifacts.files["glb"] = export.to_glb(mesh, color=color)
        timings["export_seconds"] = time.perf_counter() - started
        side_progress("exported", 0.85)

        started = time.perf_counter()
        artifacts.files["png"] = render.png(mesh, color=color) if color else render.png(mesh)
        timings["preview_seconds"] = time.perf_counter() - started
        side_progress("preview rendered", 1.0)

        artifacts.report = {
            **report.mesh_report(mesh),
            "expected": registry.expected_dimensions(product_key, params),
            "seconds": {key: round(value, 4) for key, value in timings.items()},
        }
        results[side] = artifacts
    return results


def build_report(product_key: str, artifacts: Mapping[str, SideArtifacts]) -> dict:
    """The report.json shape: per-side reports plus `build_seconds`, the geometry total over all sides."""
    return {
        "product": product_key,
        "sides": {side: item.report for side, item in artifacts.items()},
        "build_seconds": round(sum(item.report["seconds"]["build_seconds"] for item in artifacts.values()), 4),
    }
