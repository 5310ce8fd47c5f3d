"""
Print batches: revision files and their reports in, one zip with a job sheet out.

Pure (no Django), so the checks that keep a bad file away from a printer are tested alone.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from geometry.printers import DEFAULT_PRINTER, PRINTER_PROFILES

PRINT_KINDS = ("3mf", "stl")


class ExportRefused(ValueError):
    """A batch that must not reach a printer; the message names the revision and the reason."""


@dataclass
class PrintEntry:
    """One revision in a batch: where it came from, its files by (side, file name), and its build report."""

    revision_id: int
    design_id: int
    customer_id: int
    product: str
    revision_number: int
    params_hash: str
    files: dict[tuple[str, str], bytes] = field(default_factory=dict)
    sha256: dict[tuple[str, str], str] = field(default_factory=dict)
    report: dict = field(default_factory=dict)


def entry_check(entry: PrintEntry) -> None:
    """Refuse parts that are not watertight or do not fit the bed in any axis-aligned orientation.

    The bed is the printer the revision's printability report was computed for, from the one printers registry,
    so nothing the studio let a shopper order is refused here for its size.
    """
    for side, side_report in entry.report.get("sides", {}).items():
        if not side_report.get("watertight"):
            raise ExportRefused(f"revision {entry.revision_id} ({side}) is not watertight and would need repair.")
        printability = side_report.get("printability", {})
        if printability.get("ok") is False:
            raise ExportRefused(
                f"revision {entry.revision_id} ({side}) would not print: " + "; ".join(printability.get("problems", []))
            )
        printer = PRINTER_PROFILES.get(printability.get("printer") or DEFAULT_PRINTER, PRINTER_PROFILES[DEFAULT_PRINTER])
        build_volume_mm = printer.build_volume_mm
        extents = sorted(side_report.get("extents_mm", []))
        if len(extents) != 3 or any(size > limit for size, limit in zip(extents, sorted(build_volume_mm))):
            raise ExportRefused(
                f"revision {entry.revision_id} ({side}) measures {extents} mm, larger than the build volume "
                f"{list(build_volume_mm)} mm of the {printer.label}."
            )
    if not any(name.rsplit(".", 1)[-1] in PRINT_KINDS for _, name in entry.files):
        raise ExportRefused(f"revision {entry.revision_id} has no print files.")


def batch_zip(entries: Sequence[PrintEntry]) -> bytes:
    """A zip with each revision's print files in its own folder, plus job_sheet.csv and manifest.json."""
    if not entries:
        raise ExportRefused("choose at least one revision to export.")
    for entry in entries:
        entry_check(entry)
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(
        ["revision", "design", "customer", "product", "side", "file", "sha256", "length_mm", "volume_cm3", "watertight"]
    )
    manifest = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            folder = f"design-{entry.design_id}-r{entry.revision_number}"
            for (side, name), content in sorted(entry.files.items()):
                if name.rsplit(".", 1)[-1] not in PRINT_KINDS:
                    continue
                path = f"{folder}/{side}/{name}"
                archive.writestr(path, content)
                side_report = entry.report.get("sides", {}).get(side, {})
                writer.writerow(
                    [
                        entry.revision_id, entry.design_id, entry.customer_id, entry.product, side, path,
                        entry.sha256.get((side, name), ""), side_report.get("length_mm"),
                        round(side_report.get("volume_mm3", 0.0) / 1000.0, 2), side_report.get("watertight"),
                    ]
                )
            manifest.append(
                {
                    "revision": entry.revision_id,
                    "design": entry.design_id,
                    "customer": entry.customer_id,
                    "product": entry.product,
                    "revision_number": entry.revision_number,
                    "params_hash": entry.params_hash,
                    "report": entry.report,
                }
            )
        archive.writestr("job_sheet.csv", sheet.getvalue())
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    return buffer.getvalue()
