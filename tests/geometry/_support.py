"""Shared test data and checks for the geometry tests (no Django)."""
from __future__ import annotations

import csv

import numpy as np
from hypothesis import strategies as st

from geometry.report import mesh_report

from tests.datafiles import ANSUR_CSV  # noqa: E402
ANSUR_COLUMNS = ("Gender", "footlength", "footbreadthhorizontal", "balloffootcircumference", "heelbreadth",
                 "heelanklecircumference")


def ansur_rows() -> list[tuple]:
    """Every ANSUR II subject (both sexes) as (gender, length, width, ball girth, heel width, heel-ankle girth)."""
    with ANSUR_CSV.open(newline="") as handle:
        return [(row["Gender"],) + tuple(float(row[c]) for c in ANSUR_COLUMNS[1:]) for row in csv.DictReader(handle)]


ANSUR = ansur_rows()


def foot_from_row(row: tuple, *, instep_ratio: float = 0.75, arch_height_mm: float = 18.0) -> dict:
    """
    ANSUR has no instep girth and no arch height. Instep girth is taken as ~0.75 x the heel-ankle
    (long heel) girth, which passes over the instep (0.88–1.18 x ball girth over all of ANSUR);
    arch height is drawn separately from a plausible adult range (8–30 mm).
    """
    _, length, width, girth, heel, heel_ankle = row
    return {"length_mm": length, "ball_width_mm": width, "ball_girth_mm": girth,
            "instep_girth_mm": round(heel_ankle * instep_ratio, 1), "heel_width_mm": heel,
            "arch_height_mm": arch_height_mm}


feet = st.builds(foot_from_row, st.sampled_from(ANSUR), instep_ratio=st.floats(0.72, 0.78),
                 arch_height_mm=st.floats(8.0, 30.0))

EXAMPLE_FOOT = {"length_mm": 265.0, "ball_width_mm": 100.0, "ball_girth_mm": 250.0, "instep_girth_mm": 255.0,
                "heel_width_mm": 70.0, "arch_height_mm": 18.0}


def number_option(spec: dict):
    """Hypothesis strategy over a numeric option's whole range, ends included."""
    return st.one_of(st.sampled_from([spec["min"], spec["max"]]), st.floats(spec["min"], spec["max"]))


def options_strategy(schema: list[dict]):
    """Every option of a product, drawn over its full range / all choices (colour kept fixed)."""
    parts = {}
    for spec in schema:
        if spec["type"] == "number":
            parts[spec["name"]] = number_option(spec)
        elif spec["type"] == "choice":
            parts[spec["name"]] = st.sampled_from(spec["choices"])
    return st.fixed_dictionaries(parts)


def assert_printable(mesh) -> dict:
    """The invariants every one-part product mesh must meet (a printable part on the floor); returns its report."""
    report = assert_part_printable(mesh)
    assert mesh.nondegenerate_faces().all()
    assert np.isclose(mesh.bounds[0, 2], 0.0, atol=1e-3)  # sole / bottom on the floor
    return report


def cast_along_x(mesh, origins: np.ndarray, direction: float) -> np.ndarray:
    """
    First hit of axis-parallel rays along +x (direction=1) or -x (direction=-1).

    Parameters
    ----------
    origins : (r, 3) float

    Returns
    -------
    x_hit : (r,) float, NaN where the ray hits nothing.
    """
    triangles = np.asarray(mesh.triangles)
    p0, p1, p2 = triangles[:, 0, 1:], triangles[:, 1, 1:], triangles[:, 2, 1:]
    denominator = (p1[:, 0] - p0[:, 0]) * (p2[:, 1] - p0[:, 1]) - (p2[:, 0] - p0[:, 0]) * (p1[:, 1] - p0[:, 1])
    keep = np.abs(denominator) > 1e-12
    triangles, p0, p1, p2, denominator = triangles[keep], p0[keep], p1[keep], p2[keep], denominator[keep]
    hits = np.full(len(origins), np.nan)
    for k, origin in enumerate(origins):  # a test helper: one vectorised pass over all triangles per ray
        q = origin[1:]
        # barycentric coordinates of the ray's (y, z) in each triangle's y–z projection
        b1 = ((q[0] - p0[:, 0]) * (p2[:, 1] - p0[:, 1]) - (p2[:, 0] - p0[:, 0]) * (q[1] - p0[:, 1])) / denominator
        b2 = ((p1[:, 0] - p0[:, 0]) * (q[1] - p0[:, 1]) - (q[0] - p0[:, 0]) * (p1[:, 1] - p0[:, 1])) / denominator
        inside = (b1 >= 0) & (b2 >= 0) & (b1 + b2 <= 1)
        x = (1 - b1 - b2) * triangles[:, 0, 0] + b1 * triangles[:, 1, 0] + b2 * triangles[:, 2, 0]
        ahead = inside & ((x - origin[0]) * direction > 0)
        if ahead.any():
            hits[k] = x[ahead].min() if direction > 0 else x[ahead].max()
    return hits


initials = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=3)


def assert_part_printable(mesh) -> dict:
    """The invariants every printed part must meet (one closed, outward-wound body); returns its report."""
    report = mesh_report(mesh)
    assert report["watertight"], report
    assert report["winding_consistent"], report
    assert report["bodies"] == 1, report
    assert report["volume_mm3"] > 0, report
    return report


def overlap_mm3(a, b) -> float:
    """Volume of the intersection of two closed meshes, computed by manifold3d."""
    from geometry._manifold import to_manifold

    return float((to_manifold(a) ^ to_manifold(b)).volume())


def assert_parts_apart(parts: dict) -> None:
    """No two parts of a product overlap (they may touch): each pair shares under 0.05 mm³."""
    names = list(parts)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert overlap_mm3(parts[a], parts[b]) < 0.05, (a, b)
