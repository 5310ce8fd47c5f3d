"""
PrusaSlicer from the command line: check a print file (``--info``) and slice it (``--export-gcode``) with a
printer's profile, reading the print time and filament from the G-code. No Django here.

The profile is ``geometry/slicer_profiles/<printer>.ini`` (see :attr:`geometry.printers.PrinterProfile.slicer_profile`);
the material's density comes from :data:`geometry.materials.MATERIALS` and its melt flow limit from the printer
registry (:meth:`~geometry.printers.PrinterProfile.flow_mm3_s`), so the slicer and our estimate read the same facts.
PrusaSlicer runs headless: DISPLAY and WAYLAND_DISPLAY are removed and ``--datadir`` is a fresh folder, so no
user preset is read. Positions in the file are kept (``--dont-arrange``).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geometry.materials import MATERIALS
from geometry.printers import PRINTER_PROFILES

# PrusaSlicer 2.5 prints these in --info only when its repair found something (with a count > 0)
REPAIR_KEYS = ("open_edges", "degenerate_facets", "edges_fixed", "facets_removed", "facets_reversed",
               "backwards_edges")
TIMEOUT_S = 900


class SlicerError(RuntimeError):
    """PrusaSlicer is missing, refused the file, or wrote no G-code; the message says which and why."""


@dataclass
class SliceResult:
    """What the slicer made of one file."""

    gcode_path: Path
    seconds: float                 # PrusaSlicer's estimated printing time (normal mode)
    grams: float                   # total filament used [g]
    cm3: float                     # filament used [cm3]
    objects: list[str] = field(default_factory=list)  # names of the objects that have toolpaths
    layers: int = 0
    log: str = ""


def slicer_path() -> str | None:
    """The prusa-slicer executable, or None when it is not installed."""
    return shutil.which("prusa-slicer")


def _run(args: list, *, timeout_s: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    path = slicer_path()
    if path is None:
        raise SlicerError("prusa-slicer is not installed (apt-get install prusa-slicer)")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    with tempfile.TemporaryDirectory(prefix="prusa-datadir-") as datadir:
        result = subprocess.run([path, "--loglevel", "1", "--datadir", datadir, *[str(a) for a in args]],
                                capture_output=True, text=True, timeout=timeout_s, env=env)
    if result.returncode != 0:
        raise SlicerError(f"prusa-slicer exited {result.returncode}: {(result.stderr or result.stdout)[-1500:]}")
    return result


def info(path: Path) -> list[dict]:
    """
    ``prusa-slicer --info FILE``: one dict per object (``size_x``, ``min_x`` ..., ``manifold``,
    ``number_of_facets``, ``number_of_parts``, ``volume`` and any repair counter, values as text).
    """
    objects: list[dict] = []
    for line in _run(["--info", path]).stdout.splitlines():
        if line.startswith("[") and line.endswith("]"):
            objects.append({"file": line[1:-1]})
        elif " = " in line and objects:
            key, value = (part.strip() for part in line.split(" = ", 1))
            objects[-1][key] = value
    if not objects:
        raise SlicerError(f"prusa-slicer --info found no object in {Path(path).name}")
    return objects


def repairs(objects: list[dict]) -> dict[str, dict]:
    """The objects PrusaSlicer had to repair or found not manifold: file/object -> its counters."""
    found = {}
    for index, entry in enumerate(objects):
        counters = {k: entry[k] for k in REPAIR_KEYS if k in entry and float(entry[k]) != 0}
        if entry.get("manifold") != "yes":
            counters["manifold"] = entry.get("manifold")
        if counters:
            found[f"{entry.get('file')}#{index}"] = counters
    return found


_TIME = re.compile(r"^; estimated printing time \(normal mode\) = (.+)$", re.MULTILINE)
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def _seconds(text: str) -> float:
    """``"1d 5h 56m 4s"`` -> seconds."""
    return float(sum(int(n) * _UNITS[u] for n, u in re.findall(r"(\d+)([dhms])", text)))


def _number(pattern: str, gcode: str) -> float:
    match = re.search(pattern, gcode, flags=re.MULTILINE)
    if match is None:
        raise SlicerError(f"the G-code has no line matching {pattern!r}")
    return float(match.group(1))


def slice_file(path: Path, *, printer_key: str, material: str, out_dir: Path | None = None) -> SliceResult:
    """
    Slice an STL or 3MF with the printer's PrusaSlicer profile and read the G-code's figures.

    Raises
    ------
    SlicerError
      Unknown printer or material, a printer PrusaSlicer cannot slice (SLS), the slicer failing or
      writing G-code without the figures.
    """
    profile = PRINTER_PROFILES.get(printer_key)
    if profile is None:
        raise SlicerError(f"there is no printer {printer_key!r} (allowed: {', '.join(PRINTER_PROFILES)})")
    if profile.slicer_profile is None:
        raise SlicerError(f"{profile.label} is a {profile.technology.upper()} printer; PrusaSlicer slices FDM only")
    if material not in MATERIALS:
        raise SlicerError(f"there is no material {material!r} (allowed: {', '.join(MATERIALS)})")
    path = Path(path)
    out_dir = Path(out_dir) if out_dir is not None else path.parent
    gcode_path = out_dir / f"{path.stem}.{printer_key}.gcode"
    result = _run(["--export-gcode", "--load", profile.slicer_profile, "--dont-arrange",
                   "--filament-density", MATERIALS[material]["density_g_cm3"],
                   "--filament-max-volumetric-speed", profile.flow_mm3_s(material),
                   "-o", gcode_path, path])
    if not gcode_path.exists():
        raise SlicerError(f"prusa-slicer wrote no G-code for {path.name}: {result.stdout[-1500:]}")
    gcode = gcode_path.read_text(errors="replace")
    time_match = _TIME.search(gcode)
    if time_match is None:
        raise SlicerError("the G-code has no estimated printing time")
    objects = sorted(set(re.findall(r"^; printing object (.+?) id:\d+ copy \d+$", gcode, flags=re.MULTILINE)))
    return SliceResult(gcode_path=gcode_path, seconds=_seconds(time_match.group(1)),
                       grams=_number(r"^; total filament used \[g\] = ([0-9.]+)", gcode),
                       cm3=_number(r"^; filament used \[cm3\] = ([0-9.]+)", gcode),
                       objects=objects, layers=gcode.count("\n;LAYER_CHANGE"), log=result.stdout[-4000:])
