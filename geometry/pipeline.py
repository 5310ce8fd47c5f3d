"""
From a product, its options and measured feet to the files we ship: print files, web mesh, previews, report.

Shared by the Celery build and the `build_design` command so both produce byte-identical files.
Pure: no Django.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import trimesh

from geometry import _shape, export, fit, printability, registry, render, report
from geometry.params import Params

ProgressCallback = Callable[[str, float], None]
MAIN_PREVIEW = "three_quarter"  # stored as preview.png: the picture lists and thumbnails show


@dataclass
class SideArtifacts:
    """Everything built for one foot: file bytes by file name ("shoe.3mf", "preview.png"...) and its report."""

    side: str
    files: dict[str, bytes] = field(default_factory=dict)
    report: dict = field(default_factory=dict)


def file_names(product_key: str, part_names: list[str]) -> dict[str, str]:
    """STL name per part: one part is `<product>.stl`, several are `<product>-<part>.stl`."""
    if len(part_names) == 1:
        return {part_names[0]: f"{product_key}.stl"}
    return {part: f"{product_key}-{part}.stl" for part in part_names}


@dataclass
class _SideModel:
    """A side built and exported, waiting for its previews and checks."""

    artifacts: SideArtifacts
    params: Params
    parts: dict[str, trimesh.Trimesh]
    materials: dict[str, dict]
    timings: dict[str, float]


def _side_model(
    product_key: str, side: str, params: Params, progress: ProgressCallback, foot_mesh: trimesh.Trimesh | None = None
) -> _SideModel:
    """Build one foot's parts (shaped by its scan, if given) and export the web model: what the viewer needs first."""
    artifacts = SideArtifacts(side=side)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    parts = registry.build_parts(
        product_key, params, on_progress=lambda stage, f: progress(stage, 0.9 * f), foot_mesh=foot_mesh
    )
    materials = registry.part_materials(product_key, params)
    timings["build_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    artifacts.files[f"{product_key}.glb"] = export.to_glb_parts(parts, materials=materials)
    timings["export_seconds"] = time.perf_counter() - started
    progress("model exported", 1.0)
    return _SideModel(artifacts, params, parts, materials, timings)


def previews_render(parts: Mapping[str, trimesh.Trimesh], materials: Mapping[str, dict], *, renderer: str = "auto"
                    ) -> dict[str, bytes]:
    """The product's pictures by file name (``preview.png`` is the main one), each part in its colour."""
    colored = [(parts[part], materials[part]["color"]) for part in parts]
    return {("preview.png" if angle == MAIN_PREVIEW else f"preview-{angle}.png"): png
            for angle, png in render.views(colored, renderer=renderer).items()}


def _side_finish(
    product_key: str, model: _SideModel, progress: ProgressCallback, foot_mesh: trimesh.Trimesh | None = None,
    renderer: str = "auto", previews: bool = True,
) -> SideArtifacts:
    """Print files, previews (unless a previews worker renders them later), and the checks of what was built:
    printability, the fit on the foot, the report."""
    artifacts, parts, materials, timings = model.artifacts, model.parts, model.materials, model.timings
    started = time.perf_counter()
    artifacts.files[f"{product_key}.3mf"] = export.to_3mf_parts(
        parts, name=f"{product_key}-{model.artifacts.side}", materials=materials
    )
    for part, name in file_names(product_key, list(parts)).items():
        artifacts.files[name] = export.to_stl(parts[part])
    timings["export_seconds"] += time.perf_counter() - started
    progress("print files exported", 0.2)

    timings["preview_seconds"] = 0.0
    if previews:
        started = time.perf_counter()
        artifacts.files.update(previews_render(parts, materials, renderer=renderer))
        timings["preview_seconds"] = time.perf_counter() - started
        progress("previews rendered", 0.5)

    started = time.perf_counter()
    printable = printability.printability_report(parts, materials=materials)
    timings["printability_seconds"] = time.perf_counter() - started
    progress("checked printability", 0.8)

    started = time.perf_counter()
    # the product was shaped by the scan it is checked on (the same foot_mesh built it), or built from typed values
    fitted = fit.fit_check(
        product_key, model.params, foot_mesh, shaped_by=foot_mesh, heatmap=True, foot_model=True, renderer=renderer
    )
    artifacts.files["fit.png"] = fitted.pop("heatmap_png")
    artifacts.files["foot.glb"] = fitted.pop("foot_glb")
    timings["fit_seconds"] = time.perf_counter() - started
    progress("checked the fit", 1.0)

    part_reports = {part: report.mesh_report(mesh) for part, mesh in parts.items()}
    whole_report = report.mesh_report(trimesh.util.concatenate(list(parts.values())))
    artifacts.report = {
        **whole_report,
        # The product is printable when every part is; the concatenation is several bodies by design.
        "watertight": all(item["watertight"] for item in part_reports.values()),
        "winding_consistent": all(item["winding_consistent"] for item in part_reports.values()),
        "bodies": sum(item["bodies"] for item in part_reports.values()),
        "parts": part_reports,
        "materials": materials,
        "printability": printable,
        "fit": fitted,
        "expected": registry.expected_dimensions(product_key, model.params),
        "seconds": {key: round(value, 4) for key, value in timings.items()},
    }
    return artifacts


def side_build(
    product_key: str,
    side: str,
    params: Params,
    *,
    on_progress: ProgressCallback | None = None,
    foot_mesh: trimesh.Trimesh | None = None,
    renderer: str = "auto",
) -> SideArtifacts:
    """Build one foot's parts (shaped by ``foot_mesh``, the scan its measurements came from, if given), export
    them, render the previews and measure what was built."""

    progress = partial(_shape.report, on_progress)
    model = _side_model(product_key, side, params, progress, foot_mesh)
    return _side_finish(product_key, model, progress, foot_mesh, renderer)


def sides_build(
    product_key: str,
    params_by_side: Mapping[str, Params],
    *,
    on_progress: ProgressCallback | None = None,
    on_models: Callable[[dict[str, SideArtifacts]], None] | None = None,
    foot_meshes: Mapping[str, trimesh.Trimesh] | None = None,
    renderer: str = "auto",
    previews: bool = True,
) -> dict[str, SideArtifacts]:
    """
    Build every requested side: first every side's model and print files, then previews and checks.

    Parameters
    ----------
    product_key : str
      A key of `registry.product_keys()`.
    params_by_side : {"left"|"right": Params}
      Already validated parameters, one per foot to build.
    on_progress : callable(stage, fraction), optional
      Called with "<side>: <stage>" and the overall fraction in [0, 1] across all sides.
    on_models : callable(artifacts by side), optional
      Called with ``{side: artifacts}`` as soon as that side's web model exists, before the other side and
      before print files, previews and checks, so a viewer shows the side it looks at as early as possible.
      Sides are built in the order of ``params_by_side``.
    foot_meshes : {"left"|"right": Trimesh}, optional
      The scanned feet the measurements came from (canonical frame, mm): that side's product follows its scan
      (the shoe's last, the insole's outline and arch support) and is checked on it. A side without one is
      built from its six measurements and checked on their avatar.
    renderer : str
      The preview renderer, see :func:`geometry.render.views` (the app passes its setting).
    previews : bool
      False leaves the pictures out, for a previews worker to render from the stored parts
      (:func:`previews_render`); everything else is the same.
    """
    count = len(params_by_side)

    def side_progress(index: int, side: str, share: tuple[float, float]) -> ProgressCallback:
        low, high = share

        def progress(stage: str, fraction: float) -> None:
            _shape.report(on_progress, f"{side}: {stage}", low + (high - low) * (index + fraction) / count)

        return progress

    # Model stages take the first 40 % of the bar, print files, previews and checks the rest.
    models = {}
    for index, (side, params) in enumerate(params_by_side.items()):
        models[side] = _side_model(
            product_key, side, params, side_progress(index, side, (0.0, 0.4)), (foot_meshes or {}).get(side)
        )
        if on_models is not None:
            on_models({side: models[side].artifacts})
    return {
        side: _side_finish(product_key, model, side_progress(index, side, (0.4, 1.0)), (foot_meshes or {}).get(side),
                            renderer, previews)
        for index, (side, model) in enumerate(models.items())
    }


def build_report(product_key: str, artifacts: Mapping[str, SideArtifacts]) -> dict:
    """The report.json shape: per-side reports plus `build_seconds`, the geometry total over all sides."""
    return {
        "product": product_key,
        "sides": {side: item.report for side, item in artifacts.items()},
        "build_seconds": round(sum(item.report["seconds"]["build_seconds"] for item in artifacts.values()), 4),
    }
