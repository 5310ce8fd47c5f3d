"""
Private bridges between trimesh / shapely and manifold3d (the boolean kernel trimesh uses too).

All lengths are mm.
"""
from __future__ import annotations

import manifold3d
import numpy as np
import shapely
import trimesh


def to_manifold(mesh: trimesh.Trimesh) -> manifold3d.Manifold:
    """A watertight, outward-wound trimesh as a manifold3d solid."""
    return manifold3d.Manifold(manifold3d.Mesh(vert_properties=np.asarray(mesh.vertices, np.float32),
                                               tri_verts=np.asarray(mesh.faces, np.uint32)))


WELD_DECIMALS = 4
"""Vertices are snapped to a 0.1 µm grid: distinct grid points stay distinct in float32 files (STL) and 3MF."""


def to_trimesh(solid: manifold3d.Manifold) -> trimesh.Trimesh:
    """
    A manifold3d solid as a trimesh, with boolean slivers welded away.

    Booleans can leave vertices a fraction of a micron apart; in a float32 STL those become
    degenerate facets that slicers "repair". Vertices are snapped to a 10^-WELD_DECIMALS mm grid,
    coincident ones merged and the collapsed triangles dropped; if that would break the mesh
    (very rare), the unwelded mesh is returned.
    """
    out = solid.to_mesh()
    vertices = np.asarray(out.vert_properties[:, :3], float)
    faces = np.asarray(out.tri_verts, np.int64)
    mesh = trimesh.Trimesh(vertices=vertices, faces=faces, process=False)
    snapped = np.round(vertices, WELD_DECIMALS)
    unique, inverse = np.unique(snapped, axis=0, return_inverse=True)
    if len(unique) == len(vertices):
        return mesh
    welded = inverse.reshape(-1)[faces]
    # a triangle with two corners merged has collapsed to a line: drop it
    keep = (welded[:, 0] != welded[:, 1]) & (welded[:, 1] != welded[:, 2]) & (welded[:, 2] != welded[:, 0])
    used, compact = np.unique(welded[keep], return_inverse=True)
    candidate = trimesh.Trimesh(vertices=unique[used], faces=compact.reshape(-1, 3), process=False)
    if candidate.is_watertight and candidate.is_winding_consistent and candidate.volume > 0:
        return candidate
    return mesh


def cross_section(geometry) -> manifold3d.CrossSection:
    """
    Shapely (multi)polygon(s) as a manifold3d cross-section.

    Parameters
    ----------
    geometry : shapely geometry or array of geometries
      Polygons, possibly with holes; other geometry types are ignored.

    Returns
    -------
    section : manifold3d.CrossSection
      Exteriors counter-clockwise, holes clockwise, positive fill rule.
    """
    parts = shapely.get_parts(np.atleast_1d(geometry))
    parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
    parts = parts[~shapely.is_empty(parts)]
    if len(parts) == 0:
        return manifold3d.CrossSection()
    rings = shapely.get_rings(shapely.orient_polygons(parts, exterior_cw=False))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    # every ring repeats its first point at the end: drop it, then split per ring
    last = np.r_[index[1:] != index[:-1], True]
    keep = ~last
    splits = np.flatnonzero(np.diff(index[keep])) + 1
    contours = np.split(coords[keep], splits)
    return manifold3d.CrossSection(contours, manifold3d.FillRule.Positive)


def prism(geometry, z0_mm: float, z1_mm: float) -> manifold3d.Manifold:
    """Vertical prism of a plan shape between ``z0_mm`` and ``z1_mm``."""
    return manifold3d.Manifold.extrude(cross_section(geometry), z1_mm - z0_mm).translate((0.0, 0.0, z0_mm))


def box(lo: tuple[float, float, float], hi: tuple[float, float, float]) -> manifold3d.Manifold:
    """Axis-aligned box from corner ``lo`` to corner ``hi`` (mm)."""
    size = np.subtract(hi, lo)
    return manifold3d.Manifold.cube(tuple(float(s) for s in size)).translate(tuple(float(v) for v in lo))
