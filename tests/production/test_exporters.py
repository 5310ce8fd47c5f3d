import io
import re
import zipfile

import pytest

from geometry.printers import DEFAULT_PRINTER, PRINTER_PROFILES
from production.exporters import ExportRefused, PrintEntry, batch_zip


def entry(**report_overrides) -> PrintEntry:
    side_report = {"watertight": True, "extents_mm": [280.0, 105.0, 30.0], "length_mm": 280.0, "volume_mm3": 90000.0}
    side_report.update(report_overrides)
    return PrintEntry(
        revision_id=7, design_id=3, customer_id=2, product="shoe", revision_number=1, params_hash="ab" * 32,
        files={("right", "shoe.3mf"): b"3mf-bytes", ("right", "shoe-upper.stl"): b"stl-bytes",
               ("right", "preview.png"): b"png"},
        sha256={("right", "shoe.3mf"): "x"}, report={"sides": {"right": side_report}},
    )


def test_batch_holds_print_files_and_job_sheet_but_not_previews():
    archive = zipfile.ZipFile(io.BytesIO(batch_zip([entry()])))
    assert sorted(archive.namelist()) == [
        "design-3-r1/right/shoe-upper.stl", "design-3-r1/right/shoe.3mf", "job_sheet.csv", "manifest.json"]
    assert archive.read("design-3-r1/right/shoe.3mf") == b"3mf-bytes"


def test_not_watertight_is_refused():
    with pytest.raises(ExportRefused, match="not watertight"):
        batch_zip([entry(watertight=False)])


@pytest.mark.parametrize("printer", sorted(PRINTER_PROFILES))
def test_the_bed_is_the_report_printers_own_from_the_registry(printer):
    # what the printability report accepted for its printer is exported; a millimetre more is refused
    longest = max(PRINTER_PROFILES[printer].build_volume_mm)
    report = {"printability": {"ok": True, "printer": printer}}
    assert zipfile.ZipFile(io.BytesIO(batch_zip([entry(extents_mm=[longest, 100.0, 30.0], **report)]))).namelist()
    with pytest.raises(ExportRefused, match="build volume"):
        batch_zip([entry(extents_mm=[longest + 1.0, 100.0, 30.0], **report)])


def test_a_report_without_a_printer_is_checked_against_the_default_printer():
    longest = max(PRINTER_PROFILES[DEFAULT_PRINTER].build_volume_mm)
    batch_zip([entry(extents_mm=[longest, 100.0, 30.0])])
    with pytest.raises(ExportRefused, match=re.escape(PRINTER_PROFILES[DEFAULT_PRINTER].label)):
        batch_zip([entry(extents_mm=[longest + 1.0, 100.0, 30.0])])


def test_empty_batch_is_refused():
    with pytest.raises(ExportRefused):
        batch_zip([])


def test_a_side_the_printability_report_fails_is_refused_with_its_reason():
    problem = "upper: wall 0.74 mm is under the printer's 0.80 mm minimum"
    with pytest.raises(ExportRefused, match="0.74 mm"):
        batch_zip([entry(printability={"ok": False, "problems": [problem]})])


@pytest.mark.parametrize("name", ["Łukasz Żółć-Müller", "Σοφία Παπαδοπούλου", "ნინო ბერიძე", "דוד כהן"])
def test_the_job_sheet_prints_every_customers_name_in_its_own_script(name, tmp_path):
    """Names in Latin, Greek, Georgian and Hebrew letters all print (the cut-down font covers the first two)."""
    import shutil
    import subprocess

    from production.exporters import JobSheet, SheetRow, job_sheet_pdf

    if shutil.which("pdftotext") is None and not __import__("os").environ.get("CI"):
        pytest.skip("poppler-utils (Makefile SYSTEM_PACKAGES) not installed")
    row = SheetRow(code="S0042-UP-L", order_number="S0042", customer_name=name, product="Shoe", part="upper",
                   side="left", material="TPU 95A", color="#c8553d", grams=41.0, minutes=95.0, supports="")
    sheet = JobSheet(title="Plate 7", facts=[("Printer", "XL")], headings=["Picture", "Code", "Order", "Customer",
                     "Product", "Material", "Grams", "Time", "Supports"], rows=[row])
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(job_sheet_pdf(sheet))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert name.split()[0] in text and "S0042-UP-L" in text
