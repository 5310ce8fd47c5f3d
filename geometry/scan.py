"""
Foot scans: read an uploaded mesh, find the foot in it and measure it (no Django here).

The result is in the shoe's frame: the heel's rearmost point at x=0, toe towards +x, floor at z=0,
+z up, right-handed so +y is the foot's left (the medial side of a right foot, the lateral side of a
left one); millimetres.

Steps of :func:`scan_measure`, each reported through ``on_progress(stage, fraction)``:

1. ``units``: metres, centimetres or millimetres, from the size of the largest part.
2. ``clean``: drop degenerate faces and dust, remove a floor plate (a slab or sheet of horizontal faces
   reaching well beyond the foot), keep the largest part.
3. ``orient``: the floor is a supporting plane of the convex hull (hull faces grouped by normal),
   chosen as the one the foot *stands* on: the forefoot rests on it across its width, the toes are
   low and the ankle high over the other end, the footprint is long. The long axis is the
   principal axis of the footprint (the part below 40 mm); the toe is the low end. Any rotation,
   translation or mirror image of the input gives the same frame.
4. ``measure``: exact plane clips and cross-sections of the surface (so re-meshing changes nothing),
   below the ankle only (real scans carry ~20 cm of shin that leans back behind the heel), each taken as
   :mod:`.measurements` defines it (the one definition the avatar, the last and the fit use too): length,
   ball width (caliper over 60-80 %, touching the 1st and 5th metatarsal heads), ball girth (tape in the
   oblique plane through those two points, as ANSUR), instep girth (square to the axis at 55 %), heel
   width, arch height and toe-box height. Each carries a plus or minus from the scan's quality
   (:func:`uncertainty`). The caliper extents (length, ball width, heel width) leave out the surface within
   ``RIM_MM`` (8 mm) of an open edge low on the foot: a closed surface's extreme is a tangency, while a
   photogrammetry skirt at the floor contact ends at its free edge still running outward
   (docs/readme/phone-scans.md).

   The side: the longest toe and the bulk of the toes are medial, and the medial midfoot edge is
   raised (the arch) while the lateral one rests on the floor.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import numpy as np
import trimesh

from . import _shape
from ._scan_frame import frame_find
from ._scan_load import ACCEPTED_FORMATS, SCAN_LIMITS, ScanLimits, scan_load
from ._scan_measure import OPEN_SOLE_MM, measure
from .errors import ParameterError, ScanError
from .foot import MEASUREMENT_RANGES_MM, FootMeasurements
from .measurements import KEYS

__all__ = ["ACCEPTED_FORMATS", "ANSUR_RANGES_MM", "SCAN_LIMITS", "ScanError", "ScanLimits", "ScanResult",
           "measure_scan_file", "scan_load", "scan_measure", "uncertainty"]

MEASUREMENT_KEYS = KEYS  # the six product measurements, then the toe-box height

# Smallest and largest of all 6,068 ANSUR II subjects (both sexes, tests/data/PROVENANCE.md): a value outside
# is possible but rare enough to make the scan suspect (a quality note, not an error).
ANSUR_RANGES_MM = {
    "length_mm": (198.0, 323.0),
    "ball_width_mm": (77.0, 126.0),
    "ball_girth_mm": (186.0, 306.0),
    "heel_width_mm": (48.0, 93.0),
}
TOE_BOX_RANGE_MM = (10.0, 80.0)
NOISY_CREASES_PER_MM = 0.02   # length of > 30 degree creases per mm^2 of surface; clean scans read ~0.005
# OPEN_SOLE_MM (300 mm, ._scan_measure): more open edge than this below the ankle: the sole was not captured

# Uncertainty (plus or minus mm) of each measurement from the scan's quality, added in quadrature:
# * the method's own: what the scan reads on avatars of known measurements and on the same surface re-meshed
#   or re-posed (within 0.1 mm and 0.5 mm), with margin for real surfaces;
# * noise: a noisy surface lies outside the true one at its ends and sides. The outward error per surface is
#   END_MM_PER_CREASE x the crease density above a clean scan's; a length or width has two such surfaces, a
#   girth a whole tape round (GIRTH_NOISE_FACTOR of them). Calibrated on the one pair of scans of the same
#   foot we have: the phone-photo (COLMAP) twin of scan 0044, crease density 0.055, reads its heel and toe
#   ~5 mm outside the laser scan's, its ball width 8.5 mm and ball girth 19 mm more;
# * an open sole: girths are closed across it with a straight tape, the arch is read at the scanned edge.
BASE_UNCERTAINTY_MM = {"length_mm": 1.0, "ball_width_mm": 1.0, "ball_girth_mm": 1.5, "instep_girth_mm": 1.5,
                       "heel_width_mm": 1.0, "arch_height_mm": 1.0, "toe_box_height_mm": 1.0}
CLEAN_CREASES_PER_MM = 0.005
END_MM_PER_CREASE = 110.0
NOISE_SURFACES = {"length_mm": 2.0, "ball_width_mm": 2.0, "ball_girth_mm": 3.5, "instep_girth_mm": 3.5,
                  "heel_width_mm": 2.0, "arch_height_mm": 1.0, "toe_box_height_mm": 1.0}
OPEN_SOLE_UNCERTAINTY_MM = {"ball_girth_mm": 1.5, "instep_girth_mm": 1.5, "arch_height_mm": 3.0}
# * a sparse end: a heel or toe reconstructed from few points (its triangles SPARSE_END_RATIO times the foot's
#   median or more) is an interpolated guess, which may bulge: SPARSE_END_MM per unit of ratio above 1 on the
#   length and the heel width.
SPARSE_END_RATIO = 1.5
SPARSE_END_MM = 3.0
# * a flare: the caliper extents leave out the surface within RIM_MM of an open edge (a skirt or lip where the
#   reconstruction met the floor, :func:`._scan_measure.free_rim`); what that took off an extent is how far the
#   scan's surface stood outside itself there, so the rest of that surface may stand out as much: the flare
#   measured is added to that extent's plus or minus (and to the girth through the same points).
FLARE_NOTE_MM = 1.0
FLARE_KEYS = {"length_mm": ("length_mm",), "ball_width_mm": ("ball_width_mm", "ball_girth_mm"),
              "heel_width_mm": ("heel_width_mm",)}


@dataclass
class ScanResult:
    """
    What a scan measured.

    Attributes
    ----------
    side : str
      ``"left"`` or ``"right"``.
    units : str
      Unit assumed for the file: ``"mm"``, ``"cm"`` or ``"m"``.
    measurements : dict of str to float
      The six :data:`MEASUREMENT_RANGES_MM` keys plus ``toe_box_height_mm``, mm, rounded to 0.1.
    uncertainty_mm : dict of str to float
      The same keys: plus or minus mm of each measurement from the scan's quality (:func:`uncertainty`).
    quality : dict
      ``{"grade": "good" | "fair" | "poor", "score": 0..1, "notes": [str, ...]}``.
    foot : trimesh.Trimesh
      The cleaned foot in the canonical frame (mm), the leg cut off 0.45 x length above the floor.
    transform : (4, 4) float
      Input coordinates (file units) to the canonical frame (mm): rotation x unit scale + translation.
    """

    side: str
    units: str
    measurements: dict
    quality: dict
    foot: trimesh.Trimesh = field(repr=False)
    transform: np.ndarray = field(repr=False, default_factory=lambda: np.eye(4))
    uncertainty_mm: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-safe: the measurements at top level, then ``side``, ``units``, ``uncertainty_mm`` and ``quality``."""
        out = {key: float(value) for key, value in self.measurements.items()}
        out.update(side=self.side, units=self.units,
                   uncertainty_mm={key: float(value) for key, value in self.uncertainty_mm.items()},
                   quality={"grade": self.quality["grade"], "score": float(self.quality["score"]),
                            "notes": [str(note) for note in self.quality["notes"]]})
        return out

    def foot_measurements(self) -> FootMeasurements:
        """The six product measurements, validated."""
        return FootMeasurements.from_dict({key: self.measurements[key] for key in MEASUREMENT_RANGES_MM})


def _grade(score: float) -> str:
    return "good" if score >= 0.8 else "fair" if score >= 0.5 else "poor"


def uncertainty(*, crease_density: float, open_sole: bool, end_sparsity: float = 1.0,
                flare_mm: dict | None = None) -> dict[str, float]:
    """
    Plus or minus mm of each measurement for a scan of this quality (see :data:`BASE_UNCERTAINTY_MM`).

    Parameters
    ----------
    crease_density : float
      Length of > 30 degree creases per mm² of surface (:class:`._scan_measure.Measured`).
    open_sole : bool
      The sole was not captured (:data:`OPEN_SOLE_MM` of open edge or more below the ankle).
    end_sparsity : float
      The larger of the heel's and the toe's :attr:`._scan_measure.Measured.end_sparsity` (1: as dense as the
      rest); counted from :data:`SPARSE_END_RATIO`.
    flare_mm : dict, optional
      :attr:`._scan_measure.Measured.flare_mm`: mm each caliper extent lost with the free-edge rim
      (:data:`FLARE_KEYS` says which measurements it widens).

    Returns
    -------
    uncertainty_mm : dict of str to float
      :data:`MEASUREMENT_KEYS` to mm, rounded up to 0.1.
    """
    outward_mm = END_MM_PER_CREASE * max(0.0, crease_density - CLEAN_CREASES_PER_MM)
    sparse_mm = SPARSE_END_MM * (end_sparsity - 1.0) if end_sparsity >= SPARSE_END_RATIO else 0.0
    flare = {key: 0.0 for key in MEASUREMENT_KEYS}
    for source, keys in FLARE_KEYS.items():
        for key in keys:
            flare[key] = max(flare[key], float((flare_mm or {}).get(source, 0.0)))
    out = {}
    for key in MEASUREMENT_KEYS:
        parts = (BASE_UNCERTAINTY_MM[key], NOISE_SURFACES[key] * outward_mm,
                 OPEN_SOLE_UNCERTAINTY_MM.get(key, 0.0) if open_sole else 0.0,
                 sparse_mm if key in ("length_mm", "heel_width_mm") else 0.0, flare[key])
        out[key] = float(np.ceil(10.0 * np.sqrt(sum(part * part for part in parts)) - 1e-9) / 10.0)
    return out


def scan_measure(mesh: trimesh.Trimesh, *,
                 on_progress: Callable[[str, float], None] | None = None) -> ScanResult:
    """
    Find the foot in a scan and measure it.

    Parameters
    ----------
    mesh : trimesh.Trimesh
      A scan of one foot (with or without leg, floor plate, stray parts) in any pose, in m, cm or mm.
      Not modified.
    on_progress : callable, optional
      Called as ``on_progress(stage, fraction)`` after ``"units"``, ``"clean"``, ``"orient"`` and
      ``"measure"``.

    Returns
    -------
    result : ScanResult

    Raises
    ------
    ScanError
      No foot-sized part, or measurements outside :data:`MEASUREMENT_RANGES_MM` or with implausible
      proportions (the message names the measurement).
    """
    report = partial(_shape.report, on_progress)

    frame = frame_find(mesh, on_progress=report)
    measured = measure(frame.foot)
    values = measured.values
    notes = list(frame.notes)
    penalty = frame.penalty

    for key, value in values.items():
        if not np.isfinite(value):
            raise ScanError(f"the {key.removesuffix('_mm').replace('_', ' ')} could not be measured: the scan does "
                            "not show a whole foot", allowed="a scan of the whole foot, from the heel to the toes")
    length = values["length_mm"]
    low, high = MEASUREMENT_RANGES_MM["length_mm"]
    if not low <= length <= high:
        raise ScanError(f"the foot in the scan is {length:.0f} mm long once read as {frame.units}, outside "
                        f"{low:g}-{high:g} mm", allowed="a scan of one adult foot")
    arch_low, arch_high = MEASUREMENT_RANGES_MM["arch_height_mm"]
    if values["arch_height_mm"] < arch_low:
        notes.append(f"arch height {values['arch_height_mm']:.1f} mm is below {arch_low:g} mm (flat foot, or the "
                     f"sole edge was not scanned); {arch_low:g} mm is used")
        values["arch_height_mm"] = arch_low
        penalty += 0.1
    elif values["arch_height_mm"] > arch_high:
        raise ScanError(f"the arch height measured {values['arch_height_mm']:.0f} mm, more than {arch_high:g} mm: "
                        "the foot does not stand flat in the scan", allowed="a foot standing on the floor")
    values = {key: round(float(value), 1) for key, value in values.items()}
    try:
        FootMeasurements.from_dict({key: values[key] for key in MEASUREMENT_RANGES_MM})
    except ParameterError as error:
        raise ScanError(f"the measurements are implausible for a foot: {error.field} {error.message}",
                        value=values.get(error.field), allowed=error.allowed) from None

    for key, (low, high) in ANSUR_RANGES_MM.items():
        if not low <= values[key] <= high:
            notes.append(f"{key.removesuffix('_mm').replace('_', ' ')} {values[key]:g} mm is outside the range of "
                         f"6,068 ANSUR II adults ({low:g}-{high:g} mm)")
            penalty += 0.1
    if not TOE_BOX_RANGE_MM[0] <= values["toe_box_height_mm"] <= TOE_BOX_RANGE_MM[1]:
        notes.append(f"toe-box height {values['toe_box_height_mm']:g} mm is unusual")
        penalty += 0.05
    if frame.floor_score < 0.7:
        notes.append(f"the foot does not clearly stand on a floor in the scan (check {frame.floor_score:.2f}); "
                     "the orientation may be wrong")
        penalty += 0.5 * (1.0 - frame.floor_score)
    votes = measured.side_votes
    agreement = abs(sum(votes.values())) / len(votes)
    if agreement < 0.4 or any(vote * measured.medial_sign < -0.3 for vote in votes.values()):
        notes.append("left or right is uncertain (toes and arch disagree)")
        penalty += 0.15
    if measured.open_edges_mm > OPEN_SOLE_MM:
        notes.append(f"the sole is open ({measured.open_edges_mm:.0f} mm of open edge below the ankle): girths "
                     "are closed across it and the arch height is read at the scanned edge")
        penalty += 0.15
    elif measured.open_edges_mm > 0:
        notes.append(f"small holes below the ankle ({measured.open_edges_mm:.0f} mm of open edge)")
        penalty += min(0.1, measured.open_edges_mm / 3000.0)
    if measured.crease_density > NOISY_CREASES_PER_MM:
        notes.append(f"the surface is noisy ({measured.crease_density:.3f} mm of sharp creases per mm²); widths "
                     "and girths may read a few mm large")
        penalty += min(0.3, 5.0 * measured.crease_density)
    flared = {key: mm for key, mm in measured.flare_mm.items() if mm >= FLARE_NOTE_MM}
    if flared:
        notes.append("the surface flares out at its open edges (a skirt where it met the floor): "
                     + ", ".join(f"{key.removesuffix('_mm').replace('_', ' ')} {mm:.1f} mm" for key, mm in flared.items())
                     + " of it left out")
        penalty += 0.05
    sparse = {end: ratio for end, ratio in measured.end_sparsity.items() if ratio >= SPARSE_END_RATIO}
    if sparse:
        end, ratio = max(sparse.items(), key=lambda item: item[1])
        notes.append(f"the {end} is sparsely reconstructed (its triangles are {ratio:.1f} times the foot's usual "
                     "size): the length may read long")
        penalty += 0.05
    score = round(float(np.clip(1.0 - penalty, 0.0, 1.0)), 2)
    report("measure", 1.0)
    return ScanResult(side="right" if measured.medial_sign > 0 else "left", units=frame.units,
                      measurements={key: values[key] for key in MEASUREMENT_KEYS},
                      quality={"grade": _grade(score), "score": score, "notes": notes},
                      foot=measured.foot, transform=frame.transform,
                      uncertainty_mm=uncertainty(crease_density=measured.crease_density,
                                                 open_sole=measured.open_edges_mm > OPEN_SOLE_MM,
                                                 end_sparsity=float(np.nanmax([1.0, *measured.end_sparsity.values()])),
                                                 flare_mm=measured.flare_mm))


def measure_scan_file(data: bytes, filename: str, *, on_progress: Callable[[str, float], None] | None = None,
                      limits: ScanLimits = SCAN_LIMITS) -> ScanResult:
    """
    :func:`scan_load` then :func:`scan_measure`; raises :class:`ScanError` for either.

    ``on_progress`` also gets ``("load", 0.05)`` once the file is parsed.
    """
    mesh = scan_load(data, filename, limits=limits)
    _shape.report(on_progress, "load", 0.05)
    try:
        return scan_measure(mesh, on_progress=on_progress)
    except ScanError as error:
        if error.value is None:
            error.value = filename
        raise

