"""Measurements and sanity checks of a built mesh, as JSON-safe data."""
from __future__ import annotations

import numpy as np
import trimesh


def body_count(mesh: trimesh.Trimesh) -> int:
    """Number of connected pieces (vertices joined by edges), by trimesh's graph search."""
    faces = np.asarray(mesh.faces)
    if len(faces) == 0:
        return 0
    # only the vertices faces use: a stray unused vertex is not a body
    return len(trimesh.graph.connected_components(mesh.edges, nodes=np.unique(faces), min_len=1))


def mesh_report(mesh: trimesh.Trimesh) -> dict:
    """
    Summary of a mesh in mm.

    Returns
    -------
    report : dict
      ``extents_mm`` [x, y, z], ``length_mm`` (x extent), ``volume_mm3``, ``watertight``,
      ``winding_consistent``, ``bodies``, ``triangles``; plain Python types only.
    """
    extents = np.asarray(mesh.extents, float) if len(mesh.vertices) else np.zeros(3)
    return {
        "extents_mm": [round(float(e), 3) for e in extents],
        "length_mm": round(float(extents[0]), 3),
        "volume_mm3": round(float(mesh.volume), 1),
        "watertight": bool(mesh.is_watertight),
        "winding_consistent": bool(mesh.is_winding_consistent),
        "bodies": body_count(mesh),
        "triangles": int(len(mesh.faces)),
    }
