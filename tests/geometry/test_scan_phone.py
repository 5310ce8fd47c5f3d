"""
Phone-quality scans made from feet of known measurements: an ANSUR II avatar given the defects a photogrammetry
(phone photo) reconstruction shows, then measured as an upload. None of this uses the COLMAP file.

Defects, each at a level drawn over its whole range:
* the sole is not captured (open below the foot, as both real scans of 0044 are);
* a skirt: where the reconstruction met the floor, the surface runs on outward past the foot to its free edge
  (up to 8 mm out, over the last 3-6 mm of surface before the edge), at the toe, the heel and the sides;
* outward-biased bumps (smooth, 10-25 mm across, up to 1.5 mm out) and normal noise (up to 0.3 mm);
* small holes on the sides (closed loops of open edge, which are not skirts);
* density: the avatar's triangles (~5 mm) or each split in four (~2.5 mm).

The method (``geometry._scan_measure.free_rim``) leaves out of the caliper extents the surface within 8 mm of
the open sole's edge: a closed surface's extreme is a tangency, a skirt's is its free edge. The bumps it does
not remove: a caliper on a bumped foot reads the bumps, within the tolerance below at these levels.
"""
import numpy as np
from hypothesis import given, settings, strategies as st
from scipy.spatial import cKDTree

from geometry import avatar, scan
from geometry.foot import FootMeasurements
from tests.geometry._support import feet

LENGTH_TOLERANCE_MM = 5.0
WIDTH_TOLERANCE_MM = 4.0


def phone_scan(clean, rng: np.random.Generator, *, skirt_mm: float, bump_mm: float, noise_mm: float,
               holes: int, splits: int):
    """The clean avatar ``clean`` (standing on z=0) with photogrammetry defects at these levels."""
    mesh = clean.copy()
    for _ in range(splits):  # a reconstruction's triangles are smaller than the avatar's
        mesh = mesh.subdivide()
    vertices = mesh.vertices.copy()
    normals = mesh.vertex_normals.copy()
    # outward-biased bumps and noise along the normal
    if bump_mm > 0:
        centres = vertices[rng.choice(len(vertices), 40, replace=False)]
        widths = rng.uniform(10.0, 25.0, 40)
        heights = rng.uniform(0.0, bump_mm, 40)
        distance = np.linalg.norm(vertices[:, None, :] - centres[None], axis=2)
        vertices += normals * (heights * np.exp(-(distance / (widths / 2)) ** 2)).max(axis=1)[:, None]
    vertices += normals * rng.normal(0.0, noise_mm, len(vertices))[:, None] if noise_mm > 0 else 0.0
    mesh.vertices = vertices
    # the sole is not captured: faces facing down within 3 mm of the floor go
    centres = mesh.triangles_center
    sole = (mesh.face_normals[:, 2] < -0.5) & (centres[:, 2] < 3.0)
    # small holes on the sides, above the skirt
    side = np.flatnonzero((np.abs(mesh.face_normals[:, 2]) < 0.5) & (centres[:, 2] > 15.0))
    for seed in rng.choice(side, holes, replace=False) if holes and len(side) else []:
        sole |= np.linalg.norm(centres - centres[seed], axis=1) < rng.uniform(2.0, 5.0)
    mesh.update_faces(~sole)
    mesh.remove_unreferenced_vertices()
    # the skirt: the surface near the sole's free edge runs outward to it
    edges = mesh.edges_sorted
    boundary = mesh.vertices[np.unique(edges[_one_face(edges)])]
    boundary = boundary[boundary[:, 2] < 5.0]
    if skirt_mm > 0 and len(boundary):
        reach = rng.uniform(3.0, 6.0)
        distance, _ = cKDTree(boundary).query(mesh.vertices)
        outward = mesh.vertex_normals[:, :2].copy()
        outward /= np.maximum(np.linalg.norm(outward, axis=1), 1e-9)[:, None]
        amount = skirt_mm * np.clip(1.0 - distance / reach, 0.0, 1.0) ** 2
        moved = mesh.vertices.copy()
        moved[:, :2] += outward * amount[:, None]
        moved[:, 2] = np.where(amount > 0, moved[:, 2] * (1.0 - 0.5 * amount / skirt_mm), moved[:, 2])
        mesh.vertices = moved
    return mesh


def _one_face(edges_sorted: np.ndarray) -> np.ndarray:
    """Rows of ``edges_sorted`` that appear once (open edges)."""
    _, inverse, counts = np.unique(edges_sorted, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()] == 1


def clean_and_phone(foot: dict, seed: int, **levels):
    clean = avatar.foot_avatar(FootMeasurements.from_dict(foot), "right")
    phone = phone_scan(clean, np.random.default_rng(seed), **levels)
    return scan.scan_measure(clean), scan.scan_measure(phone), phone


def ball_breadth(mesh, length: float) -> float:
    """Raw breadth of the mesh's vertices over the ball range, below the heel height (the avatar's own frame)."""
    v = mesh.vertices
    ball = (v[:, 0] > 0.6 * length) & (v[:, 0] < 0.8 * length) & (v[:, 2] < 0.15 * length)
    return float(np.ptp(v[ball, 1]))


@given(foot=feet, seed=st.integers(0, 2**32 - 1), skirt_mm=st.floats(0.0, 8.0), bump_mm=st.floats(0.0, 1.5),
       noise_mm=st.floats(0.0, 0.3), holes=st.integers(0, 3), splits=st.integers(0, 1))
@settings(max_examples=8, deadline=None)
def test_a_phone_quality_scan_reads_the_clean_foots_length_and_widths(foot, seed, skirt_mm, bump_mm, noise_mm,
                                                                       holes, splits):
    clean, phone, _ = clean_and_phone(foot, seed, skirt_mm=skirt_mm, bump_mm=bump_mm, noise_mm=noise_mm,
                                      holes=holes, splits=splits)
    assert phone.side == clean.side
    assert abs(phone.measurements["length_mm"] - clean.measurements["length_mm"]) <= LENGTH_TOLERANCE_MM
    for key in ("ball_width_mm", "heel_width_mm"):
        assert abs(phone.measurements[key] - clean.measurements[key]) <= WIDTH_TOLERANCE_MM, key


@given(foot=feet, seed=st.integers(0, 2**32 - 1), skirt_mm=st.floats(3.0, 8.0))
@settings(max_examples=4, deadline=None)
def test_a_skirt_is_left_out_and_widens_the_uncertainty_by_what_it_added(foot, seed, skirt_mm):
    levels = {"bump_mm": 0.0, "noise_mm": 0.0, "holes": 0, "splits": 1}
    _, skirted, skirted_mesh = clean_and_phone(foot, seed, skirt_mm=skirt_mm, **levels)
    _, open_sole, open_mesh = clean_and_phone(foot, seed, skirt_mm=0.0, **levels)
    # whatever the skirt added to the surface's extents, the measurement moves a millimetre or so
    for key in ("length_mm", "ball_width_mm", "heel_width_mm"):
        assert abs(skirted.measurements[key] - open_sole.measurements[key]) <= 1.5, key
    # and where it stood out past the foot's widest point, the scan says so and is less certain
    if ball_breadth(skirted_mesh, foot["length_mm"]) - ball_breadth(open_mesh, foot["length_mm"]) >= 2.0:
        assert any("flares out" in note for note in skirted.quality["notes"])
        assert skirted.uncertainty_mm["ball_width_mm"] > open_sole.uncertainty_mm["ball_width_mm"]
