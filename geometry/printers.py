"""
Printer profiles for the printability report: build volume, resolution and a simple speed model.

The machine figures are typical published values for each class of machine, rounded; the time and material
model's constants (``travel_overhead``, ``surface_s_per_mm2``, ``hole_layer_s``, ``shell_mm``) are calibrated
against PrusaSlicer with each FDM printer's profile in ``slicer_profiles/`` (docs/readme/plates-and-slicer.md). Units are in the names (``_mm``, ``_deg``, ``_mm3_s``, ``_s``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

SLICER_PROFILES_DIR = Path(__file__).resolve().parent / "slicer_profiles"
"""PrusaSlicer ``.ini`` files, one per FDM printer profile (``<key>.ini``): bed, nozzle, layers, speeds."""


@dataclass(frozen=True)
class PrinterProfile:
    """
    One printer (with its usual nozzle and layer height) as the printability report sees it.

    Attributes
    ----------
    key : str
      Identifier used in ``PRINTER_PROFILES`` and in reports.
    label : str
      Human name.
    build_volume_mm : (3,) tuple of float
      Usable x, y, z of the build space.
    nozzle_mm : float or None
      Nozzle diameter; ``None`` for powder-bed machines.
    layer_height_mm : float
      Layer height used for the layer count of the time estimate.
    min_wall_mm : float
      Thinnest wall the printer makes reliably (two extrusion lines for FDM, ~2 x nozzle).
    max_overhang_deg : float
      Steepest overhang printed without supports, measured from vertical (0 = wall, 90 = flat
      ceiling). 90 means no limit (powder supports the part).
    volumetric_flow_mm3_s : float
      Sustained melt flow for rigid filament (PLA/PETG); for SLS, the equivalent sintered volume rate.
    flexible_flow_mm3_s : float
      Sustained flow for flexible filament (TPU/TPE), which must be fed slowly.
    travel_overhead : float
      Factor on the extrusion time (printed volume / :meth:`extrusion_mm3_s`) of the calibrated time model, see
      :func:`geometry.printability.print_seconds` (slower perimeters, acceleration, travel).
    layer_change_s : float
      Fixed time per layer (z move, retraction, wipe; recoating for powder beds).
    bulk_overhead : float
      The same factor for the two-term model used when a part's surface area is not known.
    surface_s_per_mm2 : float
      Seconds per mm² of surface (perimeters and top layers run slower than infill).
    hole_layer_s : float
      Seconds per hole through the part per layer (retraction, travel, a short slow loop).
    technology : str
      ``"fdm"`` (filament, sliced by PrusaSlicer with :attr:`slicer_profile`) or ``"sls"`` (powder bed).
    cost_eur_per_hour : float
      Machine time: depreciation, power and upkeep per printing hour (planning and quotes).
    shell_mm : float
      Solid skin of a sliced part (perimeters, top and bottom layers) for the grams estimate, see
      :func:`geometry.printability.printed_volume_mm3`; calibrated against PrusaSlicer.
    infill : float
      Infill fraction inside the skin in the slicer profile (and in the estimate).
    speed_flow_mm3_s : float or None
      The fastest flow the slicer profile's speeds ask for (infill speed x extrusion width x layer height;
      ``slicer_profiles/<key>.ini`` says the same, tested). A material whose melt flow is higher still prints
      at this rate: the profiles print rigid filament at TPU's speeds. ``None``: no such limit (SLS).
    """

    key: str
    label: str
    build_volume_mm: tuple[float, float, float]
    nozzle_mm: float | None
    layer_height_mm: float
    min_wall_mm: float
    max_overhang_deg: float
    volumetric_flow_mm3_s: float
    flexible_flow_mm3_s: float
    travel_overhead: float
    layer_change_s: float
    bulk_overhead: float = 2.0
    surface_s_per_mm2: float = 0.088
    hole_layer_s: float = 1.7
    technology: str = "fdm"
    cost_eur_per_hour: float = 1.0
    shell_mm: float = 0.95
    infill: float = 0.25
    speed_flow_mm3_s: float | None = None

    @property
    def bed_mm(self) -> tuple[float, float]:
        """The bed's usable x and y (what parts are packed onto)."""
        return (self.build_volume_mm[0], self.build_volume_mm[1])

    @property
    def slicer_profile(self) -> Path | None:
        """PrusaSlicer profile of an FDM printer; ``None`` for powder-bed machines PrusaSlicer cannot slice."""
        return SLICER_PROFILES_DIR / f"{self.key}.ini" if self.technology == "fdm" else None

    def flow_mm3_s(self, material_key: str) -> float:
        """Flow used for a material: the flexible figure for TPU/TPE keys, else the rigid one."""
        flexible = material_key.lower().startswith(("tpu", "tpe"))
        return self.flexible_flow_mm3_s if flexible else self.volumetric_flow_mm3_s

    def extrusion_mm3_s(self, material_key: str) -> float:
        """
        Flow the slicer profile prints a material at: its melt flow (:meth:`flow_mm3_s`, which the slicer is
        given as its limit), or :attr:`speed_flow_mm3_s` when the profile's speeds ask for less.
        """
        flow = self.flow_mm3_s(material_key)
        return flow if self.speed_flow_mm3_s is None else min(flow, self.speed_flow_mm3_s)

    def to_dict(self) -> dict:
        """JSON-safe copy (the build volume as a list)."""
        data = asdict(self)
        data["build_volume_mm"] = list(self.build_volume_mm)
        return data


PRINTER_PROFILES: dict[str, PrinterProfile] = {
    profile.key: profile for profile in (
        # a 350 mm cube with a 0.6 mm nozzle: one shoe per plate, flexible filament through a direct drive
        PrinterProfile("large_format_fdm", "Large-format FDM (350 mm, 0.6 mm nozzle)", (350.0, 350.0, 350.0),
                       nozzle_mm=0.6, layer_height_mm=0.3, min_wall_mm=1.2, max_overhang_deg=45.0,
                       volumetric_flow_mm3_s=15.0, flexible_flow_mm3_s=5.0, travel_overhead=1.14,
                       layer_change_s=0.3, surface_s_per_mm2=0.021, hole_layer_s=1.0, shell_mm=1.35,
                       speed_flow_mm3_s=8.16),
        # the default: a 360 mm cube with the usual 0.4 mm nozzle, the common way to print TPU shoes
        # travel_overhead 1.44 at the profile's 3.6 mm³/s is the 1.6 fitted at TPU's 4 mm³/s (issue 15: the same time)
        PrinterProfile("prusa_xl", "Prusa XL (360 mm, 0.4 mm nozzle)", (360.0, 360.0, 360.0),
                       nozzle_mm=0.4, layer_height_mm=0.2, min_wall_mm=0.8, max_overhang_deg=45.0,
                       volumetric_flow_mm3_s=15.0, flexible_flow_mm3_s=4.0, travel_overhead=1.44,
                       layer_change_s=0.3, speed_flow_mm3_s=3.6),
        PrinterProfile("prusa_mk4", "Prusa MK4 (0.4 mm nozzle)", (250.0, 210.0, 220.0),
                       nozzle_mm=0.4, layer_height_mm=0.2, min_wall_mm=0.8, max_overhang_deg=45.0,
                       volumetric_flow_mm3_s=12.0, flexible_flow_mm3_s=3.5, travel_overhead=1.6,
                       layer_change_s=0.3, speed_flow_mm3_s=3.6),
        PrinterProfile("bambu_x1", "Bambu Lab X1 (0.4 mm nozzle)", (256.0, 256.0, 256.0),
                       nozzle_mm=0.4, layer_height_mm=0.2, min_wall_mm=0.8, max_overhang_deg=45.0,
                       volumetric_flow_mm3_s=15.0, flexible_flow_mm3_s=4.0, travel_overhead=1.44,
                       layer_change_s=0.3, speed_flow_mm3_s=3.6),
        # selective laser sintering: the unsintered powder holds the part, so no overhang limit
        PrinterProfile("sls_fuse1", "Formlabs Fuse 1 (SLS)", (165.0, 165.0, 300.0),
                       nozzle_mm=None, layer_height_mm=0.11, min_wall_mm=0.8, max_overhang_deg=90.0,
                       volumetric_flow_mm3_s=20.0, flexible_flow_mm3_s=20.0, travel_overhead=1.0,
                       layer_change_s=9.0, bulk_overhead=1.0, surface_s_per_mm2=0.0, hole_layer_s=0.0,
                       technology="sls", cost_eur_per_hour=6.0, shell_mm=0.0, infill=1.0),
    )
}

DEFAULT_PRINTER = "prusa_xl"

BED_EDGE_ALLOWANCE_MM = 1.0
"""What a part's length must leave of the bed's longer side: the packing outline lies up to 0.4 mm outside
the mesh (its simplified shadow, grown to cover it), plus room for rounding in files."""


def longest_part_mm(printer_key: str = DEFAULT_PRINTER) -> float:
    """The longest part, lying flat along the bed's longer side, that a printer's plates take (mm)."""
    return max(PRINTER_PROFILES[printer_key].bed_mm) - BED_EDGE_ALLOWANCE_MM
