"""
Custom insole: foot outline, medial arch support, heel cup and an optional cushioning pattern
(pockets cut into the underside), as one watertight solid.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import manifold3d
import numpy as np
import shapely
import trimesh

from . import _placement, last_from_scan, lattice
from ._scan_frame import FOOTPRINT_HEIGHT_MM
from ._manifold import WELD_DECIMALS, prism, to_manifold, to_trimesh
from ._shape import PlanProfile, mirror_y, report, slab_mesh, smoothstep, stations
from .foot import FootMeasurements
from .materials import MATERIAL_KEYS
from .params import OptionSpec, Params, option_defaults

# Fraction of the measured arch height that the support fills.
ARCH_SUPPORT_FRACTION = {"none": 0.0, "low": 0.35, "medium": 0.55, "high": 0.75}
HEEL_CUP_RIM_MM = 14.0  # how far in from the edge the heel-cup rim rises
ACROSS = 26  # grid points across the outline at every station

CUSHIONING = ("none", "honeycomb", "ribs")
POCKET_INSET_MM = 4.0      # pockets stay this far inside the outline (and out of the heel-cup rim band)
MIN_SKIN_MM = 1.2          # top skin left above every pocket, under the lowest point of the top over it
POCKET_DEPTH_FRACTION = 0.7  # pocket depth as a fraction of the local thickness (if that leaves the skin)
ROOF_SLOPE_DEG = 48.0      # pocket roofs rise at least this steeply: they print without supports (<= 45 deg overhang)
MIN_POCKET_HALF_MM = 0.5   # pockets narrower than twice this are left out
HONEYCOMB_PITCH_MM = 10.0  # centre distance of the honeycomb pockets
HONEYCOMB_SOLID = 0.4      # web fraction of the honeycomb between the loaded zones ...
HONEYCOMB_SOLID_LOADED = 0.65  # ... and under the heel and the ball (smaller pockets there)
RIB_PITCH_MM = 8.0         # distance between transverse grooves ...
RIB_GROOVE_MM = 3.5        # ... and their width along the foot

INSOLE_OPTIONS = (
    OptionSpec("thickness_mm", "Thickness", "number", 4.0, unit="mm", min=2.0, max=10.0, step=0.5,
               help="Base thickness under the forefoot."),
    OptionSpec("toe_allowance_mm", "Toe allowance", "number", 5.0, unit="mm", min=0.0, max=20.0, step=0.5,
               driven_by=("length_mm",),
               help="Extra length in front of the longest toe; the insole is foot length + this long."),
    OptionSpec("arch_support", "Arch support", "choice", "medium", choices=tuple(ARCH_SUPPORT_FRACTION),
               driven_by=("arch_height_mm",),
               help="How much of your measured arch height the insole fills under the medial arch."),
    OptionSpec("heel_cup_mm", "Heel cup", "number", 6.0, unit="mm", min=0.0, max=15.0, step=0.5,
               driven_by=("heel_width_mm",),
               help="Height of the raised rim around the heel."),
    OptionSpec("cushioning", "Cushioning pattern", "choice", "honeycomb", choices=CUSHIONING,
               help="Pattern of pockets cut into the underside to make the insole softer and lighter: "
                    "none (solid), honeycomb (hexagonal pockets, smaller under the heel and ball) or ribs "
                    "(grooves across the foot). The top surface stays the same."),
    OptionSpec("color", "Colour", "color", "#c8553d", help="Colour of the printed insole."),
    OptionSpec("material", "Material", "choice", "tpu_85a", choices=MATERIAL_KEYS,
               help="Material of the printed insole."),
)


_DEFAULTS = option_defaults(INSOLE_OPTIONS)


@dataclass(frozen=True)
class InsoleParams(Params):
    """Everything that determines one insole (one side)."""

    foot: FootMeasurements
    side: str
    # option defaults come from INSOLE_OPTIONS, where each is declared once
    thickness_mm: float = _DEFAULTS["thickness_mm"]
    toe_allowance_mm: float = _DEFAULTS["toe_allowance_mm"]
    arch_support: str = _DEFAULTS["arch_support"]
    heel_cup_mm: float = _DEFAULTS["heel_cup_mm"]
    cushioning: str = _DEFAULTS["cushioning"]
    color: str = _DEFAULTS["color"]
    material: str = _DEFAULTS["material"]

    OPTIONS = INSOLE_OPTIONS  # class attribute (no annotation): not a dataclass field

    @property
    def total_length_mm(self) -> float:
        return self.foot.length_mm + self.toe_allowance_mm

    @property
    def arch_mm(self) -> float:
        """Height of the arch support above the base thickness."""
        return ARCH_SUPPORT_FRACTION[self.arch_support] * self.foot.arch_height_mm


def outline(params: InsoleParams) -> PlanProfile:
    """Parametric plan outline of the (right) insole, from the six measurements."""
    foot = params.foot
    return PlanProfile.for_foot(length_mm=foot.length_mm, total_length_mm=params.total_length_mm,
                                ball_width_mm=foot.ball_width_mm, heel_width_mm=foot.heel_width_mm)


@dataclass(frozen=True, eq=False)
class InsoleShape:
    """
    What the insole is built from and the fit check compares with: its plan outline (``profile``, a
    :class:`._shape.PlanProfile` or :class:`.last_from_scan.SampledPlan`), the parametric outline the foot is
    placed on (``placement``) and the arch support's height above the base (``arch_mm``).
    """

    profile: object
    placement: PlanProfile
    arch_mm: float


def shape(params: InsoleParams, foot_mesh: trimesh.Trimesh | None = None) -> InsoleShape:
    """
    The insole's outline and arch support: from the six measurements or, given the scanned foot they came from
    (canonical frame, mm), following that foot: its footprint plus a margin (ahead of the toes the chosen toe
    room), and the support a share (``arch_support``) of the arch measured on the scan the way the fit check
    measures it.
    """
    base = outline(params)
    if foot_mesh is None:
        return InsoleShape(base, base, params.arch_mm)
    plan, flat = last_from_scan.insole_outline(base, foot_mesh, params.side, params.foot.length_mm)
    length = float(flat[flat[:, 2] < FOOTPRINT_HEIGHT_MM, 0].max())
    arch = ARCH_SUPPORT_FRACTION[params.arch_support] * _placement.arch_height_mm(flat, length)
    return InsoleShape(plan, base, arch)


def insole(params: InsoleParams, *, on_progress: Callable[[str, float], None] | None = None,
           foot_mesh: trimesh.Trimesh | None = None) -> trimesh.Trimesh:
    """
    Build an insole: heel at x=0, toe towards +x, bottom flat on z=0, units mm.

    The top is a heightfield: ``thickness_mm`` everywhere, plus a smooth bump under the medial
    arch and a rim rising towards the edge around the heel. The ``cushioning`` pattern is cut into
    the underside as pockets open at the bottom under self-supporting (pyramid / gable) roofs that
    leave at least ``MIN_SKIN_MM`` of top skin (see :func:`pockets`); the top surface and the outline
    are the same for every pattern. With ``foot_mesh`` (the scanned foot the measurements came from) the
    outline and the arch support follow that foot (see :func:`shape`).

    Returns
    -------
    mesh : trimesh.Trimesh
      Watertight single body; x extent ``foot.length_mm + toe_allowance_mm``, y extent
      ``foot.ball_width_mm``. Medial side is +y for the right foot, -y for the left.
    """
    report(on_progress, "outline", 0.05)
    return _insole_shaped(params, shape(params, foot_mesh), on_progress)


def insole_plate(params: InsoleParams, shaped: InsoleShape) -> trimesh.Trimesh:
    """The insole of ``shaped`` without its cushioning pockets (what the fit heat map draws under the foot)."""
    return _insole_shaped(replace(params, cushioning="none"), shaped, None)


def _insole_shaped(params: InsoleParams, shaped: InsoleShape,
                   on_progress: Callable[[str, float], None] | None) -> trimesh.Trimesh:
    """:func:`insole` once its outline and arch support are known."""
    profile = shaped.profile
    length_mm = params.foot.length_mm
    x = stations(0.0, params.total_length_mm, 120)
    y_lat, y_med = profile(x)
    boundary = shapely.LinearRing(profile.polygon(200))
    arch_mm, cup_mm, base_mm = shaped.arch_mm, params.heel_cup_mm, params.thickness_mm

    def top(X: np.ndarray, Y: np.ndarray, V: np.ndarray) -> np.ndarray:
        # medial arch: raised cosine along x (navicular region), rising towards the medial edge (v -> 1)
        along = np.clip((X - 0.17 * length_mm) / (0.51 * length_mm), 0.0, 1.0)
        arch = arch_mm * np.sin(np.pi * along) ** 2 * smoothstep((V - 0.3) / 0.6)
        # heel cup: rim rising towards the outline, fading out over the rear third of the foot
        edge_mm = shapely.distance(shapely.points(X.ravel(), Y.ravel()), boundary).reshape(X.shape)
        rim = np.clip(1.0 - edge_mm / HEEL_CUP_RIM_MM, 0.0, 1.0) ** 2
        heel = 1.0 - smoothstep((X - 0.16 * length_mm) / (0.18 * length_mm))
        return base_mm + arch + cup_mm * rim * heel

    report(on_progress, "surface", 0.4)
    mesh = slab_mesh(x, y_lat, y_med, ACROSS, top)
    if params.cushioning != "none":
        report(on_progress, "cushioning", 0.6)
        mesh = _cushioned(mesh, params, profile, len(x))
    if params.side == "left":
        mesh = mirror_y(mesh)
    report(on_progress, "done", 1.0)
    return mesh


def _fraction_fn(length_mm: float) -> Callable[[np.ndarray], np.ndarray]:
    """Honeycomb web fraction at cell centres: higher (smaller pockets) under the heel and the ball."""
    def fraction(centres: np.ndarray) -> np.ndarray:
        x = centres[:, 0]
        heel = 1.0 - smoothstep((x - 0.22 * length_mm) / (0.12 * length_mm))
        ball = np.exp(-(((x - 0.70 * length_mm) / (0.09 * length_mm)) ** 2))
        return HONEYCOMB_SOLID + (HONEYCOMB_SOLID_LOADED - HONEYCOMB_SOLID) * np.maximum(heel, ball)
    return fraction


def pockets(params: InsoleParams, profile: PlanProfile) -> tuple[np.ndarray, np.ndarray, shapely.Geometry]:
    """
    Plan shapes of the cushioning pockets of the (right) insole.

    Pockets keep ``POCKET_INSET_MM`` inside the outline and, around the heel (where the heel cup
    rises), stay out of the ``HEEL_CUP_RIM_MM`` band along the edge: all of them lie in ``inner``.

    Returns
    -------
    footprints : (p,) shapely.Polygon
      Disjoint pocket footprints inside ``inner`` (empty for ``cushioning="none"``).
    ridges : (p, 2, 2) float
      Each pocket's roof ridge (two plan points; equal for the honeycomb's pyramid roofs). Rib ridges
      run across the whole outline: the rib cutters are clipped to ``inner`` afterwards.
    inner : shapely.Polygon
      Where pockets may be.
    """
    length_mm = params.foot.length_mm
    plan = shapely.Polygon(profile.polygon(200))
    # the cup's heel factor is zero from 0.34 L on: behind that keep clear of the rim band
    xmin, ymin, xmax, ymax = plan.bounds
    fore = shapely.box(0.34 * length_mm, ymin - 1.0, xmax + 1.0, ymax + 1.0)
    inner = shapely.intersection(plan.buffer(-POCKET_INSET_MM), shapely.union(plan.buffer(-HEEL_CUP_RIM_MM), fore))
    if params.cushioning == "none" or inner.is_empty:
        return np.empty(0, object), np.empty((0, 2, 2)), inner
    if params.cushioning == "honeycomb":
        cells = lattice.honeycomb_holes(inner, foot_length_mm=length_mm, heel_density=HONEYCOMB_SOLID,
                                        pitch_mm=HONEYCOMB_PITCH_MM, rim_mm=0.0,
                                        fraction_fn=_fraction_fn(length_mm))
        centre = shapely.get_coordinates(shapely.centroid(cells))
        return cells, np.stack([centre, centre], axis=1), inner
    # ribs: grooves across the foot, centred in the inner region
    ixmin, iymin, ixmax, iymax = inner.bounds
    count = int((ixmax - ixmin - RIB_GROOVE_MM) // RIB_PITCH_MM) + 1
    centres = 0.5 * (ixmin + ixmax) + RIB_PITCH_MM * (np.arange(count) - 0.5 * (count - 1))
    grooves = shapely.box(centres - RIB_GROOVE_MM / 2, iymin - 1.0, centres + RIB_GROOVE_MM / 2, iymax + 1.0)
    clipped = shapely.intersection(grooves, inner)
    keep = shapely.area(clipped) >= lattice.MIN_HOLE_AREA_MM2
    ridges = np.stack([np.column_stack([centres, np.full(count, iymin - 1.0)]),
                       np.column_stack([centres, np.full(count, iymax + 1.0)])], axis=1)
    return clipped[keep], ridges[keep], inner


def _cutter(outline_xy: np.ndarray, ridge: np.ndarray, roof_mm: float) -> manifold3d.Manifold | None:
    """
    One pocket cutter: ``outline_xy`` (convex plan polygon) walled from below the floor, under a roof
    rising at ``ROOF_SLOPE_DEG`` to the ``ridge`` at ``roof_mm``. If the roof would not fit under
    ``roof_mm``, the footprint is narrowed towards the ridge. None if the pocket would be tiny.
    """
    a, b = ridge
    ab = b - a
    t = np.clip(((outline_xy - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    foot = a + t[:, None] * ab  # nearest ridge point of every outline corner
    reach = float(np.hypot(*(outline_xy - foot).T).max())
    need_mm = np.tan(np.radians(ROOF_SLOPE_DEG)) * reach  # roof height over the whole footprint
    # walls up to the eaves, roof above; eaves never within 0.1 mm of the floor (no near-coplanar slivers)
    if roof_mm >= need_mm + 0.1:
        scale, eaves_mm = 1.0, roof_mm - need_mm
    elif roof_mm >= need_mm - 0.5:
        scale, roof_mm, eaves_mm = 1.0, need_mm - 0.5, -0.5
    else:  # too low for the whole footprint: narrow it towards the ridge, roof starting under the floor
        scale, eaves_mm = (roof_mm + 0.5) / need_mm, -0.5
    if scale * reach < MIN_POCKET_HALF_MM or roof_mm <= 0.0:
        return None
    base = foot + scale * (outline_xy - foot)
    points = np.concatenate([np.column_stack([base, np.full(len(base), min(-1.0, eaves_mm - 0.5))]),
                             np.column_stack([base, np.full(len(base), eaves_mm)]),
                             np.column_stack([ridge, np.full(2, roof_mm)])])
    return manifold3d.Manifold.hull_points(points)


def _cushioned(mesh: trimesh.Trimesh, params: InsoleParams, profile: PlanProfile,
               stations_count: int) -> trimesh.Trimesh:
    """
    Cut the pockets into the underside of the slab ``mesh``.

    Each pocket's ridge is at ``POCKET_DEPTH_FRACTION`` of the local thickness, but at most
    ``local - MIN_SKIN_MM``, where ``local`` is the lowest top-surface vertex within one grid
    triangle of the pocket: the meshed top over the pocket interpolates vertices no lower than
    that, so the skin is never thinner than ``MIN_SKIN_MM``. Roofs rise at ``ROOF_SLOPE_DEG`` so
    the insole still prints flat without supports.
    """
    footprints, ridges, inner = pockets(params, profile)
    if len(footprints) == 0:
        return mesh
    # the slab's top grid: slab_mesh puts its (n, ACROSS) top vertices first, row by row
    grid = np.asarray(mesh.vertices[:stations_count * ACROSS]).reshape(stations_count, ACROSS, 3)
    X, Y = grid[..., 0], grid[..., 1]
    # largest distance between two corners of one grid triangle (cell edges and the diagonal)
    reach = max(float(np.max(np.hypot(X[1:, 1:] - X[:-1, :-1], Y[1:, 1:] - Y[:-1, :-1]))),
                float(np.max(np.hypot(X[1:] - X[:-1], Y[1:] - Y[:-1]))),
                float(np.max(np.hypot(X[:, 1:] - X[:, :-1], Y[:, 1:] - Y[:, :-1])))) + 1e-6
    gx, gy, gz = X.ravel(), Y.ravel(), grid[..., 2].ravel()
    bounds = shapely.bounds(footprints)
    near = ((gx[None, :] >= bounds[:, 0, None] - reach) & (gx[None, :] <= bounds[:, 2, None] + reach)
            & (gy[None, :] >= bounds[:, 1, None] - reach) & (gy[None, :] <= bounds[:, 3, None] + reach))
    local = np.where(near, gz[None, :], np.inf).min(axis=1)
    roof = np.minimum(POCKET_DEPTH_FRACTION * local, local - MIN_SKIN_MM)
    if params.cushioning == "ribs":  # whole grooves (clipped to `inner` below) under a gable roof
        hulls = [np.array([r[0] - [w, 0], r[0] + [w, 0], r[1] + [w, 0], r[1] - [w, 0]])
                 for r, w in zip(ridges, np.full(len(ridges), RIB_GROOVE_MM / 2))]
    else:  # the convex hull of each cell lies within its hexagon, so clipping to `inner` restores the cell
        rings = shapely.get_exterior_ring(shapely.convex_hull(footprints))
        coords, index = shapely.get_coordinates(rings, return_index=True)
        keep = np.r_[index[1:] == index[:-1], False]  # drop each ring's closing point
        hulls = np.split(coords[keep], np.flatnonzero(np.diff(index[keep])) + 1)
    cutters = [c for c in (_cutter(h, r, float(z)) for h, r, z in zip(hulls, ridges, roof)) if c is not None]
    if not cutters:
        return mesh
    cutter = manifold3d.Manifold.compose(cutters) ^ prism(inner, -2.0, float(grid[..., 2].max()) + 1.0)
    solid = manifold3d.Manifold.batch_boolean([to_manifold(mesh), cutter], manifold3d.OpType.Subtract)
    return _without_slivers(_restore_exact(to_trimesh(solid), np.asarray(mesh.vertices)))


def _restore_exact(mesh: trimesh.Trimesh, original: np.ndarray) -> trimesh.Trimesh:
    """
    Put back the exact coordinates of the slab's vertices, which the boolean passes through float32 and
    :func:`._manifold.to_trimesh` snaps to its weld grid: the top surface stays exactly that of the plain slab.
    """
    vertices = np.array(mesh.vertices, float)
    keys = np.round(np.concatenate([original, vertices]), WELD_DECIMALS)
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    source = np.full(inverse.max() + 1, -1)
    source[inverse[:len(original)]] = np.arange(len(original))
    match = source[inverse[len(original):]]
    vertices[match >= 0] = original[match[match >= 0]]
    # A subtraction only removes material: nothing may stand above the slab's top, whatever the rounding.
    np.minimum(vertices[:, 2], original[:, 2].max(), out=vertices[:, 2])
    return trimesh.Trimesh(vertices=vertices, faces=mesh.faces, process=False)


def _without_slivers(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """
    Remove zero-area (collinear) triangles the boolean can leave on the flat bottom.

    A sliver ``(a, b, c)`` with ``c`` on its long edge ``ab`` is dropped and the neighbour across
    that edge, ``(b, a, d)``, split at ``c`` into ``(b, c, d)`` and ``(c, a, d)``: the mesh stays closed
    and consistently wound. If anything goes wrong the input is returned unchanged.
    """
    faces = np.asarray(mesh.faces).copy()
    vertices = np.asarray(mesh.vertices)
    for _ in range(20):
        bad = np.flatnonzero(~trimesh.Trimesh(vertices=vertices, faces=faces, process=False).nondegenerate_faces())
        if len(bad) == 0:
            break
        f = bad[0]
        corners = vertices[faces[f]]
        lengths = np.linalg.norm(corners - np.roll(corners, -1, axis=0), axis=1)  # edges 0-1, 1-2, 2-0
        k = int(np.argmax(lengths))
        a, b, c = faces[f, k], faces[f, (k + 1) % 3], faces[f, (k + 2) % 3]
        # the neighbour holding the edge b -> a
        nxt = np.roll(faces, -1, axis=1)
        across = np.flatnonzero(((faces == b) & (nxt == a)).any(axis=1))
        if len(across) != 1:
            return mesh
        g = across[0]
        d = int(faces[g][~np.isin(faces[g], (a, b))][0])
        faces = np.concatenate([np.delete(faces, [f, g], axis=0), [[b, c, d], [c, a, d]]])
    else:
        return mesh
    fixed = trimesh.Trimesh(vertices=vertices, faces=faces, process=False)
    if fixed.is_watertight and fixed.is_winding_consistent and fixed.nondegenerate_faces().all():
        return fixed
    return mesh


def insole_parts(params: InsoleParams, *, on_progress: Callable[[str, float], None] | None = None,
                 foot_mesh: trimesh.Trimesh | None = None) -> dict[str, trimesh.Trimesh]:
    """The insole is one part: ``{"insole": mesh}`` (see :func:`insole`)."""
    return {"insole": insole(params, on_progress=on_progress, foot_mesh=foot_mesh)}


def part_materials(params: InsoleParams) -> dict[str, dict]:
    """Material id and ``#rrggbb`` colour of the one part, keyed like :func:`insole_parts`."""
    return {"insole": {"material": params.material, "color": params.color}}


def expected_dimensions(params: InsoleParams) -> dict:
    """What the built insole must measure (mm)."""
    return {
        "length_mm": params.total_length_mm,
        "width_mm": params.foot.ball_width_mm,
        "thickness_mm": params.thickness_mm,
        "max_height_mm": params.thickness_mm + max(params.arch_mm, params.heel_cup_mm),
    }
