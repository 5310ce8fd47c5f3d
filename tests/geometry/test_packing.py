"""Packing parts onto build plates: real part meshes and random outlines, checked on outlines and on meshes."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest
import shapely
import shapely.affinity
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from geometry import packing, registry
from geometry.errors import ParameterError
from geometry.printers import DEFAULT_PRINTER, PRINTER_PROFILES
from tests.geometry._support import EXAMPLE_FOOT, overlap_mm3

BED_MM = PRINTER_PROFILES[DEFAULT_PRINTER].build_volume_mm[:2]
SMALL_FOOT = {"length_mm": 225.0, "ball_width_mm": 88.0, "ball_girth_mm": 222.0, "instep_girth_mm": 228.0,
              "heel_width_mm": 60.0, "arch_height_mm": 15.0}
# a few products over the option range; each is built once per test session (a shoe takes about a second)
BUILDS = [
    ("shoe", "left", EXAMPLE_FOOT, {}),
    ("shoe", "right", SMALL_FOOT, {"toe_shape": "square", "midsole": "solid", "sole_thickness_mm": 14.0}),
    ("shoe", "right", EXAMPLE_FOOT, {"heel_height_mm": 30.0, "collar_height_mm": 85.0}),
    ("insole", "left", EXAMPLE_FOOT, {}),
    ("insole", "right", SMALL_FOOT, {}),
]


@lru_cache(maxsize=None)
def built_parts(index: int) -> tuple[tuple[str, object, shapely.Polygon], ...]:
    """(part name, mesh, footprint) of every part of BUILDS[index]."""
    key, side, foot, options = BUILDS[index]
    params = registry.parse(key, options=options, foot=foot, side=side)
    return tuple((name, mesh, packing.footprint(mesh)) for name, mesh in registry.build_parts(key, params).items())


def real_parts(indices: list[int]) -> tuple[list[packing.PackPart], dict]:
    parts, meshes = [], {}
    for n, index in enumerate(indices):
        for name, mesh, outline in built_parts(index):
            key = f"{n}-{BUILDS[index][0]}-{name}"
            parts.append(packing.PackPart(key, outline))
            meshes[key] = mesh
    return parts, meshes


def assert_valid_packing(parts, plates, *, bed_mm, spacing_mm) -> dict:
    """Every part once, inside the bed, at least the spacing from the others; returns key -> (plate, outline)."""
    outlines = {part.key: part.outline for part in parts}
    where = {}
    for index, plate in enumerate(plates):
        assert plate.placements, "an empty plate"
        for placement in plate.placements:
            assert placement.key not in where, f"{placement.key} placed twice"
            where[placement.key] = index, packing.place_outline(outlines[placement.key], placement)
    assert set(where) == set(outlines), "a part was not placed"
    bed = shapely.box(0.0, 0.0, *bed_mm)
    for key, (_, placed) in where.items():
        assert bed.buffer(1e-6).covers(placed), (key, placed.bounds)
    for index in range(len(plates)):
        on_plate = [placed for i, placed in where.values() if i == index]
        for i, a in enumerate(on_plate):
            gaps = shapely.distance(a, on_plate[i + 1:])
            assert np.all(gaps >= spacing_mm), (index, gaps.min())
    return where


# -------------------------------------------------------------------------------------------------- footprint

@pytest.mark.parametrize("index", range(len(BUILDS)))
def test_footprint_covers_every_vertex_and_stays_close(index):
    for name, mesh, outline in built_parts(index):
        # given a real part and its footprint
        vertices = np.asarray(mesh.vertices)[:, :2]
        # then every vertex lies inside the footprint (never smaller than the part) ...
        assert shapely.covers(outline, shapely.points(vertices)).all(), name
        assert not outline.interiors and outline.is_valid
        # ... and it is not much larger than the shadow of the mesh (its convex hull bounds it from above)
        hull = shapely.MultiPoint(vertices).convex_hull
        assert outline.area <= hull.buffer(2 * packing.FOOTPRINT_TOLERANCE_MM).area
        # and the outline hugs the part: its bounding box matches the mesh's to within the tolerance
        assert np.allclose(outline.bounds, [*vertices.min(axis=0), *vertices.max(axis=0)],
                           atol=2 * packing.FOOTPRINT_TOLERANCE_MM + 1e-6), name


def test_footprint_of_a_box_with_a_hole_is_its_outer_square():
    import trimesh

    # given a square frame (a 40 mm box with a 20 mm hole through it)
    frame = trimesh.creation.box((40, 40, 5)).difference(trimesh.creation.box((20, 20, 10)))
    outline = packing.footprint(frame)
    # then the footprint is the full 40 mm square (nothing is packed into the hole)
    assert outline.area == pytest.approx(1600, rel=0.03)
    assert not outline.interiors


# ---------------------------------------------------------------------------------------------- the invariants

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indices=st.lists(st.integers(0, len(BUILDS) - 1), min_size=1, max_size=6),
       spacing_mm=st.sampled_from([packing.PLATE_SPACING_MM, 8.0]))
def test_real_parts_are_packed_apart_on_the_bed_and_their_meshes_do_not_meet(indices, spacing_mm):
    # given shoes and insoles (every part of each) drawn at random
    parts, meshes = real_parts(indices)
    # when packed onto the default printer's bed
    plates = packing.pack(parts, bed_mm=BED_MM, spacing_mm=spacing_mm)
    # then the outlines keep the rules
    where = assert_valid_packing(parts, plates, bed_mm=BED_MM, spacing_mm=spacing_mm)
    # and so do the meshes themselves, moved as the placement says
    placed = {p.key: packing.place_mesh(meshes[p.key], p) for plate in plates for p in plate.placements}
    for key, mesh in placed.items():
        assert mesh.bounds[0, 2] == pytest.approx(0.0, abs=1e-9)  # on the bed
        assert np.all(mesh.bounds[0, :2] >= -1e-6) and np.all(mesh.bounds[1, :2] <= np.add(BED_MM, 1e-6)), key
    for index in range(len(plates)):
        keys = [k for k, (i, _) in where.items() if i == index]
        for i, a in enumerate(keys):
            tree = cKDTree(placed[a].vertices[:, :2])
            for b in keys[i + 1:]:
                # no vertex of one part comes within the spacing of a vertex of another (seen from above) ...
                nearest, _ = tree.query(placed[b].vertices[:, :2], k=1)
                assert nearest.min() >= spacing_mm, (a, b, nearest.min())
                # ... and the solids share no volume
                assert overlap_mm3(placed[a], placed[b]) == 0.0, (a, b)


def star_polygon(draw_radii: list[float], centre: tuple[float, float], turn: float) -> shapely.Polygon:
    angles = turn + np.linspace(0, 2 * math.pi, len(draw_radii), endpoint=False)
    points = np.column_stack([centre[0] + np.cos(angles) * draw_radii, centre[1] + np.sin(angles) * draw_radii])
    return shapely.Polygon(points)


polygons = st.one_of(
    # star-shaped, convex or not, anywhere in its own frame (the placement moves it)
    st.builds(star_polygon, st.lists(st.floats(5.0, 90.0), min_size=3, max_size=14),
              st.tuples(st.floats(-300, 300), st.floats(-300, 300)), st.floats(0, 2 * math.pi)),
    # long thin boxes at any angle, up to nearly the bed
    st.builds(lambda w, h, a: shapely.affinity.rotate(shapely.box(0, 0, w, h), a, origin=(0, 0)),
              st.floats(5.0, 340.0), st.floats(3.0, 60.0), st.floats(0.0, 360.0)),
)


@settings(max_examples=60, deadline=None)
@given(shapes=st.lists(polygons, min_size=1, max_size=25),
       bed_mm=st.sampled_from([BED_MM, (250.0, 210.0), (360.0, 200.0)]),
       spacing_mm=st.floats(5.0, 12.0))
def test_random_outlines_are_each_placed_once_apart_and_on_the_bed(shapes, bed_mm, spacing_mm):
    parts = [packing.PackPart(f"p{i}", shape) for i, shape in enumerate(shapes)]
    if not all(packing.fits_bed(p.outline, bed_mm=bed_mm) for p in parts):
        # a part too large for the bed is refused by name
        big = next(p for p in parts if not packing.fits_bed(p.outline, bed_mm=bed_mm))
        with pytest.raises(ParameterError, match=big.key):
            packing.pack(parts, bed_mm=bed_mm, spacing_mm=spacing_mm)
        return
    plates = packing.pack(parts, bed_mm=bed_mm, spacing_mm=spacing_mm)
    assert_valid_packing(parts, plates, bed_mm=bed_mm, spacing_mm=spacing_mm)
    # and no plate could have been avoided by area alone
    assert len(plates) >= math.ceil(sum(p.outline.area for p in parts) / (bed_mm[0] * bed_mm[1]) - 1e-9)


def test_a_part_too_large_for_an_empty_bed_is_named():
    parts = [packing.PackPart("heel-ok", shapely.box(0, 0, 100, 50)),
             packing.PackPart("boot-XL-left", shapely.box(0, 0, 380, 120))]
    with pytest.raises(ParameterError, match="boot-XL-left"):
        packing.pack(parts, bed_mm=BED_MM)


def test_spacing_under_five_mm_is_refused():
    with pytest.raises(ParameterError, match="spacing_mm"):
        packing.pack([packing.PackPart("a", shapely.box(0, 0, 10, 10))], bed_mm=BED_MM, spacing_mm=3.0)
    assert packing.PLATE_SPACING_MM >= 5.0


def test_a_placement_matrix_moves_a_mesh_as_the_outline_is_moved():
    # given the default shoe's upper and a placement turning it 90° and moving it
    name, mesh, outline = built_parts(0)[0]
    placement = packing.Placement("upper", 120.0, -40.0, 90.0)
    moved = mesh.copy()
    moved.apply_transform(packing.placement_matrix(placement))
    # then the moved mesh's vertices lie in the moved outline
    assert shapely.covers(packing.place_outline(outline, placement),
                          shapely.points(moved.vertices[:, :2])).all()
    assert packing.placement_matrix(placement).shape == (4, 4)


def test_a_shoe_as_long_as_the_bed_allows_is_placed_along_an_axis():
    # given an outline only 2 mm shorter than the bed, lying at 30° in its own frame
    long_part = shapely.affinity.rotate(shapely.box(0, 0, BED_MM[0] - 2.0, 100.0), 30.0, origin=(0, 0))
    plates = packing.pack([packing.PackPart("long", long_part)], bed_mm=BED_MM)
    (plate,) = plates
    # then it is turned to lie along x or y and stays on the bed
    assert_valid_packing([packing.PackPart("long", long_part)], plates, bed_mm=BED_MM, spacing_mm=5.0)
    minx, miny, maxx, maxy = packing.place_outline(long_part, plate.placements[0]).bounds
    assert max(maxx - minx, maxy - miny) == pytest.approx(BED_MM[0] - 2.0, abs=1e-6)
