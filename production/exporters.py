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


# ------------------------------------------------------------------------------------------------ job sheets

FONT_DIR = "/usr/share/fonts/truetype/dejavu"  # fonts-dejavu-core (Makefile SYSTEM_PACKAGES): any name prints
A4_MM = (210.0, 297.0)


@dataclass
class SheetRow:
    """One part on a plate as the shop floor reads it (no personal data beyond the customer's name)."""

    code: str
    order_number: str
    customer_name: str
    product: str
    part: str
    side: str
    material: str
    color: str
    grams: float
    minutes: float
    supports: str  # "" or a short warning
    thumbnail_png: bytes | None = None


@dataclass
class JobSheet:
    """A plate's job sheet: the heading facts, the picture of the plate from above and its parts."""

    title: str
    facts: list[tuple[str, str]]  # (label, value), already in the reader's language
    headings: list[str]  # column headings for the rows, in the reader's language
    rows: list[SheetRow]
    plate_png: bytes | None = None


SHEET_FONT_RANGES = ((0x20, 0x250), (0x370, 0x530), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20C0),
                     (0x2190, 0x2200), (0x2500, 0x2580))
"""Latin (with extensions), Greek, Cyrillic, punctuation, currency, arrows and box lines: the cut-down fonts."""


def _font_cut(path: str) -> str:
    """
    ``path`` cut down to :data:`SHEET_FONT_RANGES`, made once per machine in the temporary folder (a cache:
    remade when missing). fpdf2 parses a whole font for every document; DejaVu's 6,000 glyphs cost a quarter
    of a second per sheet, the cut one a fifth of that.
    """
    import hashlib
    import os
    import tempfile

    from fontTools import subset, ttLib

    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()[:16]
    target = os.path.join(tempfile.gettempdir(), "sartoria-sheet-fonts", f"{digest}-{os.path.basename(path)}")
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        font = ttLib.TTFont(path)
        options = subset.Options()
        options.layout_features, options.name_IDs, options.notdef_outline = ["*"], ["*"], True
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=[code for start, end in SHEET_FONT_RANGES for code in range(start, end)])
        cutter.subset(font)
        partial = f"{target}.{os.getpid()}.part"
        font.save(partial)
        os.replace(partial, target)  # atomic: two workers making it at once both end with a whole file
    return target


def _covered(text: str) -> bool:
    return all(any(start <= ord(char) < end for start, end in SHEET_FONT_RANGES) for char in set(text))


def _pdf_fonts(pdf, text: str = "") -> tuple[str, bool]:
    """
    DejaVu when installed (every script), else Helvetica (Latin-1 only: other characters become '?').
    When every character of ``text`` is in :data:`SHEET_FONT_RANGES` (nearly every sheet), the cut-down DejaVu.
    """
    import os

    regular, bold = f"{FONT_DIR}/DejaVuSans.ttf", f"{FONT_DIR}/DejaVuSans-Bold.ttf"
    if os.path.exists(regular) and os.path.exists(bold):
        if _covered(text):
            regular, bold = _font_cut(regular), _font_cut(bold)
        pdf.add_font("DejaVu", "", regular)
        pdf.add_font("DejaVu", "B", bold)
        return "DejaVu", True
    return "Helvetica", False


def _sheet_text(sheet: JobSheet) -> str:
    """Every character the sheet writes."""
    cells = [sheet.title, *sheet.headings, *(part for fact in sheet.facts for part in fact), "…"]
    for row in sheet.rows:
        cells += [row.code, row.order_number, row.customer_name, row.product, row.part, row.side, row.material,
                  row.color, row.supports, " · %0123456789gmin"]
    return "".join(cells)


def job_sheet_pdf(sheet: JobSheet) -> bytes:
    """The job sheet as an A4 portrait PDF: facts, the plate from above, then one row per part with its thumbnail."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(12, 12, 12)
    family, unicode_ok = _pdf_fonts(pdf, _sheet_text(sheet))

    def text(value: str) -> str:
        return value if unicode_ok else value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 9, text(sheet.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    for label, value in sheet.facts:
        pdf.set_font(family, "B", 9)
        pdf.cell(42, 5, text(label))
        pdf.set_font(family, "", 9)
        pdf.cell(0, 5, text(value), new_x="LMARGIN", new_y="NEXT")
    if sheet.plate_png:
        pdf.ln(2)
        pdf.image(io.BytesIO(sheet.plate_png), x=pdf.l_margin, w=0, h=95, keep_aspect_ratio=True)
        pdf.ln(2)
    widths = [16, 26, 13, 27, 35, 33, 11, 13, 12]  # thumbnail, code, order, customer, product/part, material...
    pdf.set_font(family, "B", 7.5)
    pdf.set_fill_color(235, 235, 235)
    for width, heading in zip(widths, sheet.headings):
        pdf.cell(width, 6, text(heading), border=1, fill=True)
    pdf.ln()
    pdf.set_font(family, "", 7.5)
    row_h = 14.0
    for row in sheet.rows:
        if pdf.get_y() + row_h > pdf.h - pdf.b_margin:
            pdf.add_page()
        x, y = pdf.get_x(), pdf.get_y()
        pdf.cell(widths[0], row_h, "", border=1)
        if row.thumbnail_png:
            pdf.image(io.BytesIO(row.thumbnail_png), x=x + 1, y=y + 1, w=widths[0] - 2, h=row_h - 2,
                      keep_aspect_ratio=True)
        cells = [row.code, row.order_number, row.customer_name, f"{row.product} · {row.part} · {row.side}",
                 f"{row.material} {row.color}", f"{row.grams:.0f} g", f"{row.minutes:.0f} min", row.supports]
        for width, value in zip(widths[1:], cells):
            value = text(value)
            while value and pdf.get_string_width(value) > width - 2:  # shorten to its column, never overflow
                value = value[:-2] + "…" if unicode_ok else value[:-1]
            pdf.cell(width, row_h, value, border=1)
        pdf.ln()
    return bytes(pdf.output())


def jobs_csv(rows: Sequence[dict], columns: Sequence[str]) -> bytes:
    """One line per part; `columns` names the fields, in order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def thumbnail(png: bytes, *, size_px: int = 160) -> bytes:
    """A small copy of a preview for the sheets (the previews are large)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.thumbnail((size_px, size_px))
    if image.mode not in ("RGB", "L"):  # fpdf2 takes RGBA too, but a flat background prints the same everywhere
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.split()[-1] if image.mode in ("RGBA", "LA") else None)
        image = background
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
