"""
A packed build plate as files: one 3MF with every part where it was placed, and a picture from above.

Coordinates are the bed's as PrusaSlicer reads them (origin at the bed's front-left corner, x right, y to
the back, z up, mm). Every object is written with its vertices already in bed coordinates and its lowest
point on z = 0, and no build transform, so a slicer that keeps positions (PrusaSlicer with
``--dont-arrange``, or opening the file) shows the parts where :mod:`.packing` put them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import shapely
import trimesh
from PIL import Image, ImageDraw, ImageFont

from .errors import ParameterError
from .export import _package, _rows
from .materials import MATERIALS
from .packing import footprint
from .params import COLOR_PATTERN
from .printers import PRINTER_PROFILES

SARTORIA_NS = "http://sartoria.example/3mf/2026"
"""Namespace of our own 3MF metadata (``sartoria:code``, ``sartoria:material``, ``sartoria:printer``)."""
PNG_SIZE_PX = 1200


@dataclass(frozen=True)
class PlateObject:
    """
    One part on a plate.

    Attributes
    ----------
    name : str
      Object name shown by slicers; must contain ``code``.
    code : str
      The part's traceability code (see :mod:`.traceability`).
    mesh : trimesh.Trimesh
      Watertight, in bed coordinates (already placed, e.g. with :func:`.packing.place_mesh`).
    material : str
      Key of :data:`.materials.MATERIALS`.
    color : str
      ``"#rrggbb"``.
    outline : shapely.Polygon or None
      The part's footprint where it lies on the bed, when already known (the one it was packed by);
      :func:`plate_top_png` otherwise projects the mesh again.
    """

    name: str
    code: str
    mesh: trimesh.Trimesh
    material: str
    color: str
    outline: shapely.Polygon | None = None


def _check(objects: Sequence[PlateObject]) -> None:
    if not objects:
        raise ParameterError("objects", "a plate needs at least one part", value=0)
    codes = [obj.code for obj in objects]
    for obj in objects:
        if not obj.code or obj.code not in obj.name:
            raise ParameterError("name", "every object's name must contain its traceability code",
                                 value=obj.name, allowed=f"a name containing {obj.code!r}")
        if codes.count(obj.code) > 1:
            raise ParameterError("code", "two parts on one plate have the same code", value=obj.code)
        if obj.material not in MATERIALS:
            raise ParameterError("material", "there is no such material", value=obj.material,
                                 allowed=", ".join(MATERIALS))
        if not isinstance(obj.color, str) or not COLOR_PATTERN.match(obj.color):
            raise ParameterError("color", "a colour is written #rrggbb", value=obj.color, allowed="#000000–#ffffff")
        if len(obj.mesh.faces) == 0:
            raise ParameterError("mesh", f"part {obj.code} has no faces", value=obj.code)


def _on_bed(mesh: trimesh.Trimesh) -> np.ndarray:
    """The mesh's vertices moved along z so the lowest is on the bed. Returns (n, 3) float."""
    vertices = np.asarray(mesh.vertices, float)
    return vertices - np.array([0.0, 0.0, vertices[:, 2].min()])


def plate_3mf(objects: Sequence[PlateObject], *, printer_key: str, plate_name: str) -> bytes:
    """
    3MF package of one plate: one object and one build item per part, unit millimetre.

    Each ``<object>`` is named ``obj.name`` (which contains the code) and carries a ``<metadatagroup>``
    with ``sartoria:code``, ``sartoria:material`` and ``sartoria:color``; it points (``pid``/``pindex``)
    at its ``<base>`` in one ``<basematerials>`` group, one base per (material, colour) named after the
    material's label, ``displaycolor="#RRGGBBFF"``. The model's metadata gives the title (``plate_name``),
    the printer key and label.

    Raises
    ------
    ParameterError
      No objects, an unknown printer or material, a bad colour, a name without its code, a code twice.
    """
    if printer_key not in PRINTER_PROFILES:
        raise ParameterError("printer_key", "there is no such printer", value=printer_key,
                             allowed=", ".join(PRINTER_PROFILES))
    _check(objects)
    printer = PRINTER_PROFILES[printer_key]
    bases: dict[tuple[str, str], int] = {}
    resources, items = [], []
    for index, obj in enumerate(objects):  # one entry per part (tens per plate), not per vertex
        look = (obj.material, obj.color.upper())
        base = bases.setdefault(look, len(bases))
        object_id = index + 2  # id 1 is the base materials group
        vertices = _rows('<vertex x="%.5f" y="%.5f" z="%.5f"/>', _on_bed(obj.mesh))
        triangles = _rows('<triangle v1="%d" v2="%d" v3="%d"/>', np.asarray(obj.mesh.faces, np.int64))
        metadata = "".join(f'<metadata name="sartoria:{key}" preserve="1">{escape(value)}</metadata>'
                           for key, value in (("code", obj.code), ("material", obj.material),
                                              ("color", obj.color.lower())))
        resources.append(f'<object id="{object_id}" name={quoteattr(obj.name)} type="model" pid="1" '
                         f'pindex="{base}"><metadatagroup>{metadata}</metadatagroup>'
                         f'<mesh><vertices>{vertices}</vertices><triangles>{triangles}</triangles></mesh></object>')
        items.append(f'<item objectid="{object_id}"/>')
    group = "".join(f'<base name={quoteattr(MATERIALS[material]["label"])} displaycolor="{color}FF"/>'
                    for (material, color) in bases)
    model = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<model unit="millimeter" xml:lang="en-US" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02" '
        f'xmlns:sartoria="{SARTORIA_NS}">'
        f'<metadata name="Title">{escape(plate_name)}</metadata>'
        f'<metadata name="sartoria:printer">{escape(printer.key)}</metadata>'
        f'<metadata name="sartoria:printer_label">{escape(printer.label)}</metadata>'
        f'<resources><basematerials id="1">{group}</basematerials>{"".join(resources)}</resources>'
        f'<build>{"".join(items)}</build></model>')
    return _package(model)


def _ink_for(color: str) -> str:
    """Black or white, whichever reads better on ``color`` (relative luminance)."""
    r, g, b = (int(color[i:i + 2], 16) / 255.0 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "#ffffff"


def plate_top_png(objects: Sequence[PlateObject], *, bed_mm: tuple[float, float],
                  size_px: int = PNG_SIZE_PX) -> bytes:
    """
    The plate seen from above: the bed's outline, each part's footprint filled in its colour with its
    code written across it, bed x to the right and y up (as a slicer shows the bed from above).

    Returns
    -------
    png : bytes
      ``size_px`` along the bed's longer side.
    """
    _check(objects)
    margin = max(12, size_px // 40)
    scale = (size_px - 2 * margin) / max(bed_mm)
    width, height = int(round(bed_mm[0] * scale)) + 2 * margin, int(round(bed_mm[1] * scale)) + 2 * margin
    image = Image.new("RGB", (width, height), "#f4f1ea")
    draw = ImageDraw.Draw(image)

    def to_px(xy: np.ndarray) -> list[tuple[float, float]]:
        xy = np.asarray(xy, float)
        return list(zip(margin + xy[:, 0] * scale, height - margin - xy[:, 1] * scale))

    draw.rectangle([margin, margin, width - margin, height - margin], fill="#ffffff", outline="#222222",
                   width=max(2, size_px // 400))
    grid = 50.0  # a light 50 mm grid, as on a printed bed sheet
    for x in np.arange(grid, bed_mm[0], grid):
        draw.line(to_px(np.array([[x, 0.0], [x, bed_mm[1]]])), fill="#e2ddd2", width=1)
    for y in np.arange(grid, bed_mm[1], grid):
        draw.line(to_px(np.array([[0.0, y], [bed_mm[0], y]])), fill="#e2ddd2", width=1)
    font_px = max(12, int(round(9.0 * scale)))  # codes about 9 mm tall on the bed: readable on an A4 sheet
    font = ImageFont.load_default(size=font_px)
    for obj in objects:
        outline = obj.outline if obj.outline is not None else footprint(obj.mesh)
        draw.polygon(to_px(np.asarray(outline.exterior.coords)), fill=obj.color, outline="#222222")
        # the code across the part's widest inner point, turned to read along the part's long side
        anchor = shapely.maximum_inscribed_circle(outline, 0.5).coords[0]
        label = Image.new("RGBA", tuple(int(v) + 8 for v in font.getbbox(obj.code)[2:]), (0, 0, 0, 0))
        ImageDraw.Draw(label).text((4, 4), obj.code, font=font, fill=_ink_for(obj.color))
        minx, miny, maxx, maxy = outline.bounds
        if maxy - miny > maxx - minx:
            label = label.rotate(90, expand=True)
        (px, py), = to_px(np.array([anchor]))
        image.paste(label, (int(px - label.width / 2), int(py - label.height / 2)), label)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
