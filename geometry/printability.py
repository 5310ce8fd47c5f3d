"""
Printability report: can these parts be printed on this printer, what do they weigh and cost, how long do they take.

Everything is measured on the meshes (mm, z up, the part standing as it will be printed) and returned as
JSON-safe data. Weight and print time are estimates (:func:`part_figures`, calibrated against PrusaSlicer), not a
slicer's figures.
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import trimesh

from .errors import ParameterError
from .materials import MATERIALS
from .printers import DEFAULT_PRINTER, PRINTER_PROFILES, PrinterProfile
from .report import mesh_report

DEFAULT_MATERIAL = "tpu_95a"  # shoes and insoles are printed in flexible TPU unless told otherwise
WALL_SAMPLES = 1500
"""Surface points probed for wall thickness, per part. On the default shoe 1,500 find the same robust minimum
as 4,000 in every part (upper 0.99 mm, midsole 1.59 mm, outsole 1.60 mm) in less than half the time (1.2 s
against 2.7 s for the three parts on 2 cores), and the check runs on every build."""
WALL_PERCENTILE = 1.0         # robust minimum: the thickness that all but 1 % of the surface area exceeds
WALL_SEED = 0                 # fixed, so the same mesh always gives the same report
BED_TOLERANCE_MM = 0.2        # faces this close to the lowest point lie on the bed, not over air
_RAY_START_MM = 1e-3          # rays start this far inside the surface so they do not hit their own face
_ACROSS_COS = 0.5             # cos 60°: a hit counts as the wall's other side if it faces back within 60°


def wall_thickness_mm(mesh: trimesh.Trimesh, *, count: int = WALL_SAMPLES,
                      seed: int = WALL_SEED) -> tuple[np.ndarray, float]:
    """
    Thickness of the solid under random surface points, measured with rays.

    Points are drawn uniformly by area (``trimesh.sample.sample_surface``, fixed seed); from each point a
    ray goes inwards along the face's inward normal and the distance to the first surface it meets is
    the local thickness. The hit only counts when it is on the *other side of a wall*: the face hit must
    look back at the ray, its normal within 60° of the opposite of the starting normal (as in the shape
    diameter function). A ray that starts on a rim (the cut top of a shoe's collar, the edge of a plate)
    runs along the inside of the wall and leaves through its side, which says nothing about thickness;
    such points are NaN. Near sharp edges a few rays still leave early, so callers take a low percentile
    rather than the minimum.

    Parameters
    ----------
    mesh : trimesh.Trimesh
      Watertight solid in mm with outward normals.
    count : int
      Number of surface points.
    seed : int
      Random seed of the sampling.

    Returns
    -------
    thickness_mm : (count,) float
      Thickness under each point, NaN where the ray met nothing (only on open meshes).
    area_per_sample_mm2 : float
      Surface area each point stands for (total area / count).
    """
    if len(mesh.faces) == 0 or count <= 0:
        return np.full(max(count, 0), np.nan), 0.0
    points, face_index = trimesh.sample.sample_surface(mesh, count, seed=seed)  # (count, 3), (count,)
    inward = -np.asarray(mesh.face_normals)[face_index]                        # (count, 3) unit
    origins = points + _RAY_START_MM * inward
    locations, ray_index, hit_face = mesh.ray.intersects_location(origins, inward, multiple_hits=False)
    # the hit face's outward normal must point back along the ray: within 60° of the starting normal's opposite
    across = np.einsum("ij,ij->i", np.asarray(mesh.face_normals)[hit_face], inward[ray_index]) >= _ACROSS_COS
    thickness = np.full(len(points), np.nan)
    # distance from the surface point itself (so the small start offset is counted)
    thickness[ray_index[across]] = np.linalg.norm(locations[across] - points[ray_index[across]], axis=1)
    return thickness, float(mesh.area) / len(points)


def overhang_area_mm2(mesh: trimesh.Trimesh, *, max_overhang_deg: float,
                      bed_tolerance_mm: float = BED_TOLERANCE_MM) -> float:
    """
    Area of downward-facing surface steeper than the printer can bridge without supports.

    A face's overhang angle is measured from vertical: 0 for a wall, 90 for a flat ceiling. A face with
    outward normal ``n`` leans ``asin(-n_z)`` past vertical, so it overhangs too much when
    ``-n_z > sin(max_overhang_deg)`` (equivalently, its normal is within ``90 - max_overhang_deg`` of
    straight down). Faces lying on the bed (every vertex within ``bed_tolerance_mm`` of the lowest point)
    are supported by the bed and are not counted. ``max_overhang_deg >= 90`` means no limit (powder bed).

    Returns
    -------
    area_mm2 : float
      True (not projected) area of the offending faces.
    """
    if len(mesh.faces) == 0 or max_overhang_deg >= 90.0:
        return 0.0
    normal_z = np.asarray(mesh.face_normals)[:, 2]                   # (f,)
    too_steep = -normal_z > math.sin(math.radians(max_overhang_deg))
    face_top_mm = np.asarray(mesh.triangles)[:, :, 2].max(axis=1)     # (f,) highest vertex of each face
    on_bed = face_top_mm <= float(mesh.bounds[0, 2]) + bed_tolerance_mm
    return float(np.asarray(mesh.area_faces)[too_steep & ~on_bed].sum())


def fits_build_volume(extents_mm, build_volume_mm) -> bool:
    """
    Whether a box of ``extents_mm`` fits the build volume in some axis permutation (90° turns only).

    Comparing the sorted extents with the sorted build dimensions is exact for this question: if any
    permutation fits, the sorted one does. It ignores tilted placements and the fact that a shoe is best
    printed sole down; it is a "can this machine hold it at all" check.

    Parameters
    ----------
    extents_mm : (3,) float
    build_volume_mm : (3,) float
    """
    return bool(np.all(np.sort(np.asarray(extents_mm, float)) <= np.sort(np.asarray(build_volume_mm, float))))


def through_holes(mesh: trimesh.Trimesh) -> int:
    """
    Holes right through a closed mesh (its genus: a honeycomb midsole's cells), from the Euler number.

    Each body of genus g has Euler number 2 - 2g, so ``g = (2 * bodies - euler) / 2`` summed over bodies.
    """
    if len(mesh.faces) == 0:
        return 0
    bodies = int(trimesh.graph.connected_component_labels(mesh.face_adjacency, node_count=len(mesh.faces)).max()) + 1
    return max(0, int(round((2 * bodies - int(mesh.euler_number)) / 2)))


def part_shape(mesh: trimesh.Trimesh) -> dict[str, float]:
    """
    What the estimates need of a part's mesh: the one place they are measured (report, quotes, print jobs).

    Returns
    -------
    shape : dict
      JSON-safe ``{"volume_mm3", "area_mm2", "height_mm", "holes"}``: solid volume, surface area, height as
      it stands (z extent) and holes right through it (:func:`through_holes`). Pass it to
      :func:`part_figures` as keywords.
    """
    if len(mesh.faces) == 0:
        return {"volume_mm3": 0.0, "area_mm2": 0.0, "height_mm": 0.0, "holes": 0}
    return {"volume_mm3": float(mesh.volume), "area_mm2": float(mesh.area), "height_mm": float(mesh.extents[2]),
            "holes": through_holes(mesh)}


def printed_volume_mm3(*, volume_mm3: float, area_mm2: float, profile: PrinterProfile,
                       infill: float | None = None) -> float:
    """
    Volume of material a slicer lays down for a part: a solid skin under the whole surface, infill inside.

    Model: ``skin = min(volume, area * profile.shell_mm)`` (perimeters and top/bottom layers; a thin wall is
    all skin) plus ``infill * (volume - skin)``. ``infill`` defaults to the slicer profile's
    (:attr:`~geometry.printers.PrinterProfile.infill`); ``shell_mm`` is calibrated against PrusaSlicer (see
    docs/readme/plates-and-slicer.md).
    """
    fill = profile.infill if infill is None else infill
    volume = max(volume_mm3, 0.0)
    skin = min(volume, max(area_mm2, 0.0) * profile.shell_mm)
    return skin + fill * (volume - skin)


def print_seconds(*, volume_mm3: float, height_mm: float, profile: PrinterProfile, material: str,
                  infill: float = 1.0, area_mm2: float | None = None, holes: int = 0) -> float:
    """
    Estimated print time of one part, in seconds.

    With the part's surface ``area_mm2`` (the calibrated model, within 15 % of PrusaSlicer on our parts)::

        printed / flow * travel_overhead + area_mm2 * surface_s_per_mm2
        + holes * layers * hole_layer_s + layers * layer_change_s

    where ``printed`` is :func:`printed_volume_mm3` (skin and the profile's infill; ``infill`` is not used),
    ``flow`` the rate the printer's slicer profile prints the material at
    (:meth:`~geometry.printers.PrinterProfile.extrusion_mm3_s`: its melt flow or the profile's speeds, whichever is
    lower), ``layers = ceil(height_mm / layer_height_mm)`` and
    ``holes`` the holes right through the part (:func:`through_holes`): every hole costs a retraction, a
    travel and a short slow loop on every layer. Without ``area_mm2`` the older two-term model:
    ``volume_mm3 * infill / flow * bulk_overhead + layers * layer_change_s`` (solid parts: within ~25 %).
    """
    layers = math.ceil(max(height_mm, 0.0) / profile.layer_height_mm)
    flow = profile.flow_mm3_s(material)
    if area_mm2 is None:
        return max(volume_mm3, 0.0) * infill / flow * profile.bulk_overhead + layers * profile.layer_change_s
    printed = printed_volume_mm3(volume_mm3=volume_mm3, area_mm2=area_mm2, profile=profile)
    flow = profile.extrusion_mm3_s(material)
    return (printed / flow * profile.travel_overhead + max(area_mm2, 0.0) * profile.surface_s_per_mm2
            + max(holes, 0) * layers * profile.hole_layer_s + layers * profile.layer_change_s)


def plate_print_seconds(part_seconds) -> float:
    """
    Estimated time of a plate: its parts' :func:`print_seconds` added up (a plate prints every part's layer
    in turn; the few seconds a shared layer change saves are within the estimate's error).
    """
    return float(sum(part_seconds))


def part_figures(*, volume_mm3: float, area_mm2: float, height_mm: float, holes: int, profile: PrinterProfile,
                 material: str, infill: float | None = None) -> dict[str, float]:
    """
    Material, weight, cost and print time of one part on one printer: the one formula that the printability
    report, the quotes, the print jobs and the plates use.

    Parameters
    ----------
    volume_mm3, area_mm2, height_mm, holes
      The part's :func:`part_shape` (pass it as ``**shape``).
    profile : PrinterProfile
    material : str
      Key of :data:`~geometry.materials.MATERIALS`.
    infill : float or None
      None: as the printer's slicer profile prints it (:func:`printed_volume_mm3`); a fraction: solid volume
      times it. The print time is always the calibrated :func:`print_seconds`.

    Returns
    -------
    figures : dict
      ``{"printed_mm3", "grams", "cost_eur", "print_minutes"}``, unrounded.
    """
    spec = MATERIALS[material]
    printed_mm3 = (printed_volume_mm3(volume_mm3=volume_mm3, area_mm2=area_mm2, profile=profile) if infill is None
                   else max(volume_mm3, 0.0) * infill)
    grams = printed_mm3 / 1000.0 * float(spec["density_g_cm3"])
    seconds = print_seconds(volume_mm3=volume_mm3, height_mm=height_mm, profile=profile, material=material,
                            area_mm2=area_mm2, holes=holes)
    return {"printed_mm3": printed_mm3, "grams": grams, "cost_eur": grams / 1000.0 * float(spec["cost_eur_per_kg"]),
            "print_minutes": seconds / 60.0}


def solid_shells(mesh: trimesh.Trimesh) -> tuple[int, int]:
    """
    Count the separate solids and the enclosed voids of a closed mesh.

    Each edge-connected surface is one shell; its signed volume (sum over its faces of the tetrahedra to
    the origin) is positive for an outer surface and negative for the inside of a cavity. A hollow box is
    one body with one void, where a plain component count would say two.

    Returns
    -------
    bodies : int
      Shells enclosing positive volume.
    voids : int
      Shells enclosing negative volume (cavities sealed inside a body).
    """
    if len(mesh.faces) == 0:
        return 0, 0
    labels = trimesh.graph.connected_component_labels(mesh.face_adjacency, node_count=len(mesh.faces))  # (f,)
    triangles = np.asarray(mesh.triangles)                                                              # (f, 3, 3)
    # signed volume of the tetrahedron (origin, face) per face, summed per shell
    signed = np.einsum("ij,ij->i", triangles[:, 0], np.cross(triangles[:, 1], triangles[:, 2])) / 6.0
    shell_volume = np.bincount(labels, weights=signed)
    return int(np.count_nonzero(shell_volume > 0)), int(np.count_nonzero(shell_volume < 0))


def _printer(key: str) -> PrinterProfile:
    try:
        return PRINTER_PROFILES[key]
    except (KeyError, TypeError):
        raise ParameterError("printer", "there is no such printer", value=key,
                             allowed=", ".join(PRINTER_PROFILES)) from None


def _material(choice: Mapping | None) -> tuple[str, str]:
    """The (material key, colour) chosen for one part; missing entries take the defaults."""
    default = DEFAULT_MATERIAL if DEFAULT_MATERIAL in MATERIALS else next(iter(MATERIALS))
    key = (choice or {}).get("material") or default
    if key not in MATERIALS:
        raise ParameterError("material", "there is no such material", value=key, allowed=", ".join(MATERIALS))
    return key, (choice or {}).get("color") or MATERIALS[key].get("color_default")


def _fmt(extents_mm) -> str:
    return " x ".join(f"{e:.0f}" for e in extents_mm)


def part_report(name: str, mesh: trimesh.Trimesh, *, profile: PrinterProfile, material: str,
                color: str | None = None, infill: float | None = None,
                wall_samples: int = WALL_SAMPLES) -> tuple[dict, list[str], list[str]]:
    """
    The report of one part, with its problems and warnings as sentences naming the part.

    See :func:`printability_report` for the fields.
    """
    basics = mesh_report(mesh)
    bodies, voids = solid_shells(mesh)
    shape = part_shape(mesh)
    volume_mm3 = shape["volume_mm3"]
    extents = np.asarray(mesh.extents, float) if len(mesh.vertices) else np.zeros(3)
    # as sliced (skin + the profile's infill), or solid times an infill the caller gives
    figures = part_figures(**shape, profile=profile, material=material, infill=infill)

    thickness, area_per_sample = wall_thickness_mm(mesh, count=wall_samples)
    measured = thickness[np.isfinite(thickness)]
    min_wall = float(np.percentile(measured, WALL_PERCENTILE)) if len(measured) else None
    thin_area = float(np.count_nonzero(measured < profile.min_wall_mm) * area_per_sample)
    overhang = overhang_area_mm2(mesh, max_overhang_deg=profile.max_overhang_deg)
    fits = fits_build_volume(extents, profile.build_volume_mm)

    report = {
        "watertight": basics["watertight"],
        "winding_consistent": basics["winding_consistent"],
        "bodies": bodies,
        "voids": voids,
        "volume_mm3": round(volume_mm3, 1),
        "printed_mm3": round(figures["printed_mm3"], 1),
        "area_mm2": round(shape["area_mm2"], 1),
        "holes": shape["holes"],
        "material": material,
        "color": color,
        "grams": round(figures["grams"], 3),
        "cost_eur": round(figures["cost_eur"], 2),
        "min_wall_mm": None if min_wall is None else round(min_wall, 3),
        "thin_wall_area_mm2": round(thin_area, 1),
        "overhang_area_mm2": round(overhang, 1),
        "extents_mm": [round(float(e), 3) for e in extents],
        "fits_build_volume": fits,
        "print_minutes": round(figures["print_minutes"], 1),
    }

    problems, warnings = [], []
    if not basics["watertight"]:
        problems.append(f"{name}: the mesh is not watertight, so it has no well-defined inside to print")
    if not basics["winding_consistent"]:
        problems.append(f"{name}: some faces point the wrong way (inconsistent winding)")
    if bodies != 1:
        problems.append(f"{name}: {bodies} separate bodies instead of one")
    if volume_mm3 <= 0:
        problems.append(f"{name}: volume {volume_mm3:.1f} mm³ is not positive")
    if not fits:
        problems.append(f"{name}: {_fmt(extents)} mm does not fit the {profile.label}'s "
                        f"{_fmt(profile.build_volume_mm)} mm build volume in any orientation")
    if min_wall is None:
        problems.append(f"{name}: wall thickness could not be measured")
    elif min_wall < profile.min_wall_mm:
        problems.append(f"{name}: wall {min_wall:.2f} mm is under the printer's {profile.min_wall_mm:.2f} mm "
                        f"minimum ({thin_area:.0f} mm² of surface is thinner)")
    if voids:
        warnings.append(f"{name}: {voids} sealed void(s) inside; powder or support would be trapped")
    if overhang > 0:
        warnings.append(f"{name}: {overhang:.0f} mm² overhangs more than {profile.max_overhang_deg:.0f}° "
                        "and needs supports")
    return report, problems, warnings


def printability_report(parts: Mapping[str, trimesh.Trimesh], *, materials: Mapping[str, Mapping] | None = None,
                        printer: str = DEFAULT_PRINTER, infill: float | None = None,
                        wall_samples: int = WALL_SAMPLES) -> dict:
    """
    Check named parts against a printer and estimate their weight, cost and print time.

    Parameters
    ----------
    parts : Mapping[str, trimesh.Trimesh]
      Part name -> solid in mm, standing as it will be printed (bed at its lowest z).
    materials : Mapping[str, Mapping] or None
      Part name -> ``{"material": key of MATERIALS, "color": "#rrggbb"}``; a missing part or key takes
      :data:`DEFAULT_MATERIAL` and the material's default colour.
    printer : str
      Key of :data:`~geometry.printers.PRINTER_PROFILES`.
    infill : float or None
      None (the default): grams as the printer's slicer profile prints the part, a solid skin and its
      infill inside (:func:`printed_volume_mm3`, calibrated against PrusaSlicer). A fraction in (0, 1]:
      the solid volume times it (1 = solid). The print time is always the calibrated estimate.
    wall_samples : int
      Surface points probed for wall thickness.

    Returns
    -------
    report : dict
      JSON-safe::

        {"printer": key,
         "parts": {name: {"watertight", "winding_consistent", "bodies", "voids", "volume_mm3", "printed_mm3",
                          "area_mm2", "holes", "material", "color", "grams", "cost_eur", "min_wall_mm",
                          "thin_wall_area_mm2", "overhang_area_mm2", "extents_mm", "fits_build_volume",
                          "print_minutes"}},
         "total": {"grams", "cost_eur", "print_minutes", "fits_build_volume"},
         "ok": bool, "problems": [sentence, ...], "warnings": [sentence, ...]}

      ``bodies`` and ``voids`` are from :func:`solid_shells` (a sealed cavity is a warning, more than
      one body a problem). ``min_wall_mm`` is the 1st percentile of the ray-measured thickness over the surface (see
      :func:`wall_thickness_mm`): the true minimum of such samples is set by rays leaving near sharp
      edges (collar rims, corners) after a fraction of a millimetre, which covers far less than 1 % of
      a shoe's surface, while a real thin region large enough to matter shows up in the percentile and
      in ``thin_wall_area_mm2`` (surface area, both faces of a thin wall counted, under the printer's
      ``min_wall_mm``; resolution ~ area / ``wall_samples``). ``overhang_area_mm2`` is from
      :func:`overhang_area_mm2`; overhangs only need supports, so they are ``warnings``, not
      ``problems``. ``fits_build_volume`` per part is :func:`fits_build_volume`; the total says every
      part fits on its own (not all on one plate). ``grams``, ``cost_eur`` and ``print_minutes`` are
      :func:`part_figures` of the part's :func:`part_shape` (``area_mm2``, ``holes``: what quotes and print
      jobs use too); the total is the sum (parts printed one after another).
      ``ok`` is true when there are no problems.

    Raises
    ------
    ParameterError
      Unknown printer or material, or infill outside (0, 1].
    """
    profile = _printer(printer)
    if infill is not None and not 0.0 < infill <= 1.0:
        raise ParameterError("infill", "infill is the filled fraction of the volume", value=infill,
                             allowed="more than 0, at most 1")
    materials = materials or {}
    reports, problems, warnings = {}, [], []
    for name, mesh in parts.items():  # one entry per part (a handful), not per vertex
        material, color = _material(materials.get(name))
        reports[name], part_problems, part_warnings = part_report(
            name, mesh, profile=profile, material=material, color=color, infill=infill, wall_samples=wall_samples)
        problems += part_problems
        warnings += part_warnings
    total = {
        "grams": round(sum(r["grams"] for r in reports.values()), 3),
        "cost_eur": round(sum(r["cost_eur"] for r in reports.values()), 2),
        "print_minutes": round(sum(r["print_minutes"] for r in reports.values()), 1),
        "fits_build_volume": all(r["fits_build_volume"] for r in reports.values()),
    }
    return {"printer": profile.key, "parts": reports, "total": total, "ok": not problems,
            "problems": problems, "warnings": warnings}
