"""
The fit heat map: the foot seen from above and from the side, over a faint drawing of the product (the last's
outline and side silhouette; the insole itself), each face coloured by the clearance of its corners: red tight,
green snug, blue room, skin colour where the product does not cover the foot. Colours are on the scale of the
side clearance; towards the toe tip the room ahead is shown, and for the insole each half-section of the foot
shows its side's margin; these are mapped so their regions' thresholds meet the same colours (:func:`on_scale`),
so the colour always reads as the status. The legend therefore has words, not millimetres; the words ("tight", "snug",
"room", "not covered", which view is which) are the page's, in the reader's language, under the picture (the
studio's fit.js): the picture itself carries no text, so one picture serves every language.
"""
from __future__ import annotations

import io

import numpy as np
import shapely
import trimesh
from PIL import Image, ImageDraw

from .. import export, render
from .._shape import mirror_y, smoothstep

# Heat map. Colours are on the scale of the shoe's side clearance (mm): red below its tight threshold
# (-1.5), greens up to its loose threshold (4), blues beyond. Every other region's value is mapped linearly
# so that its own thresholds land on the same colours (see on_scale): the colour always says the status.
HEAT_SCALE_MM = (-1.5, 4.0)
HEAT_ANCHORS_MM = np.array([-4.0, -1.5, -0.8, 0.0, 1.0, 4.0, 7.0, 14.0])
HEAT_COLOURS = np.array([[165, 15, 21], [222, 45, 38], [250, 150, 90], [186, 222, 140], [120, 198, 121],
                         [35, 139, 69], [107, 174, 214], [33, 102, 172]], float)
TOE_ZONE_MM = (30.0, 10.0)  # the toe colouring blends in from this far behind the toe tip to this far
OUTSIDE_COLOUR = (214, 196, 180)  # skin tone: parts of the foot outside the product
INSOLE_COLOUR = (240, 236, 228)
PANEL_SIZE = (640, 250)
DRAWN_HEIGHT_FRACTION = 0.45  # the heat map draws the foot up to this fraction of its length above the floor
LEGEND_HEIGHT = 58


def heat_rgb(clearance_mm: np.ndarray) -> np.ndarray:
    """
    Heat-map colours: red where tight, green where snug, blue where there is room.

    Parameters
    ----------
    clearance_mm : (n,) float
      On the scale :data:`HEAT_SCALE_MM` (tight below its first value, loose above its second).

    Returns
    -------
    rgb : (n, 3) uint8
    """
    values = np.asarray(clearance_mm, float)
    return np.stack([np.interp(values, HEAT_ANCHORS_MM, HEAT_COLOURS[:, k]) for k in range(3)],
                    axis=-1).round().astype(np.uint8)


def on_scale(value_mm, thresholds: tuple[float, float]):
    """Map values so that ``thresholds`` (tight, loose) land on :data:`HEAT_SCALE_MM`: the heat map's colours."""
    (low, high), (t0, t1) = HEAT_SCALE_MM, thresholds
    return low + (np.asarray(value_mm, float) - t0) * (high - low) / (t1 - t0)


def toe_weight(x_mm: np.ndarray, tip_mm: float) -> np.ndarray:
    """0 behind the toe zone, 1 near the toe tip (see :data:`TOE_ZONE_MM`), smooth in between."""
    start, full = TOE_ZONE_MM
    return smoothstep((np.asarray(x_mm, float) - (tip_mm - start)) / (start - full))


def _flat_slab(outline: np.ndarray, thickness_mm: float = 0.2) -> trimesh.Trimesh:
    """A thin slab of a plan outline (counter-clockwise (n, 2) points), bottom at z=0."""
    polygon = shapely.Polygon(outline).buffer(0)
    return trimesh.creation.extrude_polygon(polygon, height=thickness_mm)


def _backdrop(outline: np.ndarray, rim_mm: float) -> list[tuple[trimesh.Trimesh, tuple]]:
    """The outline as a pale plate with a darker rim ``rim_mm`` wide around it (plate 0.3 mm above the rim)."""
    inner = _flat_slab(outline)
    inner.apply_translation((0.0, 0.0, 0.3))
    rim = trimesh.creation.extrude_polygon(shapely.Polygon(outline).buffer(0).buffer(rim_mm), height=0.2)
    return [(inner, (255, 255, 255)), (rim, (125, 125, 125))]


def shoe_plan_backdrop(the_last, placed: np.ndarray) -> list:
    """The cavity's plan outline under the foot."""
    parts = _backdrop(the_last.outline().polygon(160), 1.2)
    for mesh, _ in parts:
        mesh.apply_translation((0.0, 0.0, placed[:, 2].min() - 3.0))
    return parts


def shoe_side_backdrop(the_last, placed: np.ndarray) -> list:
    """The cavity's side silhouette (up to the collar opening), standing behind the foot on its medial side."""
    x = np.linspace(the_last.plan.start_mm, the_last.plan.end_mm, 200)
    _, _, z_mid, below, _ = the_last.sections(x)
    bottom = z_mid - below
    top = np.minimum(z_mid + the_last.radius_mm(x, np.full_like(x, np.pi / 2)), the_last.collar_z(x))
    outline = np.concatenate([np.column_stack([x, bottom]), np.column_stack([x[::-1], top[::-1]])])
    parts = _backdrop(outline, 1.2)
    # x–y plate -> x–z plate: (x, y, z) -> (x, far - z, y), standing behind the foot seen from -y
    far = placed[:, 1].max() + 3.0
    rotation = np.array([[1.0, 0, 0, 0], [0, 0, -1.0, far], [0, 1.0, 0, 0], [0, 0, 0, 1.0]])
    for mesh, _ in parts:
        mesh.apply_transform(rotation)
    return parts


def foot_glb(side: str, scene: dict, faces: np.ndarray, clearance: np.ndarray) -> bytes:
    """The placed foot (lower leg left out) with heat-map face colours, as the viewer's GLB."""
    faces = faces[scene["drawn"][faces].any(axis=1)]
    face_values = clearance[faces].mean(axis=1)
    rgb = np.where(np.isnan(face_values)[:, None], np.array(OUTSIDE_COLOUR, np.uint8), heat_rgb(np.nan_to_num(face_values)))
    mesh = trimesh.Trimesh(vertices=scene["foot"], faces=faces, process=False)
    mesh.remove_unreferenced_vertices()
    if side == "left":
        mesh = mirror_y(mesh)
    mesh.visual.face_colors = np.concatenate([rgb, np.full((len(rgb), 1), 255, np.uint8)], axis=1)
    return export.to_glb_parts({"foot": mesh})


def heatmap_png(product_key: str, side: str, scene: dict, faces: np.ndarray, clearance: np.ndarray, *,
                renderer: str = "auto") -> bytes:
    """
    Two panels (from above, from the side) of the foot coloured by clearance over a faint drawing of the
    product, and a legend. The left foot is drawn as itself (mirrored back).
    """
    # a scan may include the lower leg: draw the foot only, so that it fills the panels
    faces = faces[scene["drawn"][faces].any(axis=1)]
    face_values = clearance[faces].mean(axis=1)
    foot_rgb = np.where(np.isnan(face_values)[:, None], np.array(OUTSIDE_COLOUR, np.uint8),
                        heat_rgb(np.nan_to_num(face_values)))
    images = {}
    backdrops = scene["backdrops"]()
    # the shoe is seen from the outer side; the insole from the inner side (the arch)
    side_angle = "side" if product_key == "shoe" else "medial"
    for view, angle in (("top", "top"), ("side", side_angle)):
        vertices = [scene["foot"]]
        face_list = [faces]
        colours = [foot_rgb]
        offset = len(scene["foot"])
        for mesh, colour in backdrops[view]:
            vertices.append(np.asarray(mesh.vertices))
            face_list.append(np.asarray(mesh.faces) + offset)
            colours.append(np.broadcast_to(np.array(colour, np.uint8), (len(mesh.faces), 3)))
            offset += len(mesh.vertices)
        mesh = trimesh.Trimesh(vertices=np.concatenate(vertices), faces=np.concatenate(face_list), process=False)
        if side == "left":
            mesh = mirror_y(mesh)
            angle = {"side": "medial", "medial": "side"}.get(angle, angle)
        rgba = np.concatenate([np.concatenate(colours), np.full((len(mesh.faces), 1), 255, np.uint8)], axis=1)
        mesh.visual.face_colors = rgba
        images[view] = render.views(mesh, size=PANEL_SIZE, angles=(angle,), renderer=renderer)[angle]
    width, height = PANEL_SIZE
    canvas = Image.new("RGB", (width, 2 * height + LEGEND_HEIGHT), "white")
    canvas.paste(Image.open(io.BytesIO(images["top"])), (0, 0))
    canvas.paste(Image.open(io.BytesIO(images["side"])), (0, height))
    draw = ImageDraw.Draw(canvas)
    _legend(draw, (0, 2 * height), width)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", compress_level=render.PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def _legend(draw: ImageDraw.ImageDraw, origin: tuple[int, int], width: int) -> None:
    """A colour bar over the heat map's range and the not-covered swatch; their words are the page's (module doc)."""
    x0, y0 = origin[0] + 40, origin[1] + 10
    bar_w, bar_h = width - 200, 12
    low, high = HEAT_ANCHORS_MM[0], HEAT_ANCHORS_MM[-1]
    values = low + (high - low) * (np.arange(bar_w) + 0.5) / bar_w
    for i, rgb in enumerate(heat_rgb(values).tolist()):
        draw.line([(x0 + i, y0), (x0 + i, y0 + bar_h)], fill=tuple(rgb))
    swatch = x0 + bar_w + 40
    draw.rectangle([swatch, y0, swatch + 24, y0 + bar_h], fill=OUTSIDE_COLOUR)
