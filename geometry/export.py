"""Mesh -> file bytes: binary STL, 3MF (one named object, or named parts with materials; millimetres) and GLB."""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import trimesh

from .params import COLOR_PATTERN

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Target="/3D/3dmodel.model" Id="rel0" '
    'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>')


def to_stl(mesh: trimesh.Trimesh) -> bytes:
    """Binary STL (units are implicit: mm)."""
    return trimesh.exchange.stl.export_stl(mesh)


def _rows(template: str, array: np.ndarray) -> str:
    """Format every row of ``array`` with ``template``: one %-formatting of the whole array (3x numpy's savetxt)."""
    array = np.asarray(array)
    return (template * len(array)) % tuple(array.reshape(-1).tolist())


def to_3mf(mesh: trimesh.Trimesh, *, name: str, color: str | None = None) -> bytes:
    """
    3MF package with one object called ``name``, unit millimetre, optional display colour.

    Parameters
    ----------
    mesh : trimesh.Trimesh
      Watertight mesh in mm.
    name : str
      Object name shown by slicers.
    color : str or None
      ``"#rrggbb"``; stored as a base material of the object.
    """
    vertices = _rows('<vertex x="%.5f" y="%.5f" z="%.5f"/>', np.asarray(mesh.vertices, float))
    triangles = _rows('<triangle v1="%d" v2="%d" v3="%d"/>', np.asarray(mesh.faces, np.int64))
    material, object_attrs = "", ""
    if color is not None:
        if not COLOR_PATTERN.match(color):
            raise ValueError(f"color must look like '#c8553d', got {color!r}")
        material = (f'<basematerials id="1"><base name={quoteattr(name)} '
                    f'displaycolor="{color.upper()}FF"/></basematerials>')
        object_attrs = ' pid="1" pindex="0"'
    model = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<model unit="millimeter" xml:lang="en-US" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">'
        f'<metadata name="Title">{escape(name)}</metadata>'
        f'<resources>{material}<object id="2" name={quoteattr(name)} type="model"{object_attrs}>'
        f'<mesh><vertices>{vertices}</vertices><triangles>{triangles}</triangles></mesh></object>'
        '</resources><build><item objectid="2"/></build></model>')
    return _package(model)


def to_3mf_parts(parts: dict[str, trimesh.Trimesh], *, name: str, materials: dict[str, dict] | None = None) -> bytes:
    """
    3MF package with one ``<object>`` per part, unit millimetre, each part with its material.

    Parameters
    ----------
    parts : dict of str to trimesh.Trimesh
      Watertight meshes in mm, in the order they should appear; the keys become object names.
    name : str
      Title of the model (the product and side, e.g. ``"shoe-left"``).
    materials : dict of str to dict, optional
      Per part name ``{"material": id, "color": "#rrggbb"}`` (see :func:`.registry.part_materials`).
      Every part then points (``pid``/``pindex``) at its own ``<base>`` in one ``<basematerials>``
      group, named after the material, with ``displaycolor="#RRGGBBFF"``. Parts without an entry get
      no material.

    Returns
    -------
    data : bytes
      The zipped package. The parts are components of one assembly object (the only build item),
      so a slicer keeps them stacked as one object with several parts instead of dropping each
      onto the bed.
    """
    materials = materials or {}
    bases, objects, items = [], [], []
    for index, (part, mesh) in enumerate(parts.items()):  # one entry per part, not per vertex
        object_id = index + 2  # id 1 is the base materials group
        attrs = ""
        if part in materials:
            entry = materials[part]
            color = entry.get("color", "#808080")
            if not isinstance(color, str) or not COLOR_PATTERN.match(color):
                raise ValueError(f"color of {part!r} must look like '#c8553d', got {color!r}")
            attrs = f' pid="1" pindex="{len(bases)}"'
            bases.append(f'<base name={quoteattr(str(entry.get("material", part)))} '
                         f'displaycolor="{color.upper()}FF"/>')
        vertices = _rows('<vertex x="%.5f" y="%.5f" z="%.5f"/>', np.asarray(mesh.vertices, float))
        triangles = _rows('<triangle v1="%d" v2="%d" v3="%d"/>', np.asarray(mesh.faces, np.int64))
        objects.append(f'<object id="{object_id}" name={quoteattr(part)} type="model"{attrs}>'
                       f'<mesh><vertices>{vertices}</vertices><triangles>{triangles}</triangles></mesh></object>')
        items.append(f'<component objectid="{object_id}"/>')
    assembly_id = len(parts) + 2
    objects.append(f'<object id="{assembly_id}" name={quoteattr(name)} type="model">'
                   f'<components>{"".join(items)}</components></object>')
    items = [f'<item objectid="{assembly_id}"/>']
    group = f'<basematerials id="1">{"".join(bases)}</basematerials>' if bases else ""
    model = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<model unit="millimeter" xml:lang="en-US" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">'
        f'<metadata name="Title">{escape(name)}</metadata>'
        f'<resources>{group}{"".join(objects)}</resources><build>{"".join(items)}</build></model>')
    return _package(model)


def _package(model: str) -> bytes:
    """Zip a 3D model document with the OPC content types and relationships."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("3D/3dmodel.model", model)
    return buffer.getvalue()


def to_glb(mesh: trimesh.Trimesh, *, color: str | None = None) -> bytes:
    """
    Binary glTF for the web viewer: one mesh, in metres with +y up (glTF conventions); the
    original is not modified. See :func:`to_glb_parts` for several coloured parts.
    """
    return to_glb_parts({"mesh": mesh}, materials={"mesh": {"color": color}} if color is not None else None)


def to_glb_parts(parts: dict[str, trimesh.Trimesh], *, materials: dict[str, dict] | None = None) -> bytes:
    """
    Binary glTF of several named parts, each with its own colour, for the web viewer.

    Same units and axes as :func:`to_glb` (metres, +y up); node names are the part names so the
    browser can recolour a part without a rebuild.
    """
    transform = np.diag([0.001, 0.001, 0.001, 1.0]) @ trimesh.transformations.rotation_matrix(-np.pi / 2, [1, 0, 0])
    scene = trimesh.Scene()
    for part, mesh in parts.items():
        web = mesh.copy()
        web.apply_transform(transform)
        color = (materials or {}).get(part, {}).get("color")
        if color is not None:
            rgba = [int(color[i:i + 2], 16) for i in (1, 3, 5)] + [255]
            web.visual = trimesh.visual.TextureVisuals(
                material=trimesh.visual.material.PBRMaterial(baseColorFactor=rgba, metallicFactor=0.0,
                                                             roughnessFactor=0.8))
        scene.add_geometry(web, node_name=part, geom_name=part)
    return trimesh.exchange.gltf.export_glb(scene)
