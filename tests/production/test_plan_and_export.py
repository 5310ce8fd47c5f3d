"""plan_plates and export_batch on real built parts: plates on printers, 3MF names with codes, an A4 PDF that renders."""
import io
import json
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from PIL import Image
from shapely.geometry import Polygon

from geometry.packing import Placement, place_outline
from geometry.printers import PRINTER_PROFILES
from production.models import FarmPlan, Plate, PrintJob
from production.selectors import farm_lead_time_days
from production.services import plate_export_finish, plate_export_plate_build, plate_export_start

pytestmark = pytest.mark.django_db


def plan_json(capsys) -> dict:
    call_command("plan_plates", "--json", "--seconds", "3")
    return json.loads(capsys.readouterr().out)


def test_plan_plates_packs_paid_parts_and_plans_every_plate_on_a_printer(shoe_order, insole_order, farm, capsys):
    plan = plan_json(capsys)

    jobs = list(PrintJob.objects.all())
    assert len(jobs) == 7 and all(job.state == "planned" and job.plate_id for job in jobs)
    assert plan["solver_status"] in ("OPTIMAL", "FEASIBLE") and not plan["unschedulable_plates"]
    assert plan["makespan_minutes"] >= plan["lower_bound_minutes"] > 0
    assert plan["lead_time_days"] >= 1 and plan["gap"] >= 0
    plates = Plate.objects.all()
    assert sorted(plate["id"] for plate in plan["plates"]) == sorted(plate.pk for plate in plates)
    by_printer = {}
    for plate in plates:
        assert plate.printer is not None and plate.planned_start < plate.planned_end
        by_printer.setdefault(plate.printer_id, []).append((plate.planned_start, plate.planned_end))
        on_plate = list(plate.jobs.all())
        assert len({(job.material, job.color.lower()) for job in on_plate}) == 1  # one material and colour
        bed = PRINTER_PROFILES[plate.printer_profile].build_volume_mm
        outlines = [place_outline(Polygon(job.footprint), Placement(str(job.pk), job.x_mm, job.y_mm,
                                                                    job.rotation_deg)) for job in on_plate]
        for index, outline in enumerate(outlines):  # on the bed, and apart by the documented spacing
            minx, miny, maxx, maxy = outline.bounds
            assert minx >= -0.01 and miny >= -0.01 and maxx <= bed[0] + 0.01 and maxy <= bed[1] + 0.01
            assert all(outline.distance(other) >= plate.spacing_mm - 0.01 for other in outlines[index + 1:])
    for runs in by_printer.values():
        runs.sort()
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(runs, runs[1:]))


def test_the_lead_time_comes_from_the_plan(shoe_order, farm, capsys, shopper, products):
    plan_json(capsys)
    before = farm_lead_time_days()
    plan = FarmPlan.objects.first()
    plan.details["printer_free_at_min"] = {key: 10 * 24 * 60 for key in plan.details["printer_free_at_min"]}
    plan.save()  # the farm is busy for ten days: a new order waits for it
    assert farm_lead_time_days() >= before + 6


def test_export_batch_writes_3mf_with_codes_stls_csv_and_an_a4_pdf(shoe_order, farm, capsys, tmp_path):
    plan_json(capsys)
    plate_ids = [str(plate.pk) for plate in Plate.objects.all()]
    out = tmp_path / "batch"
    call_command("export_batch", *sum((["--plate", pk] for pk in plate_ids), []), "--out", str(out), "--json")
    written = json.loads(capsys.readouterr().out)["files"]

    codes = set(PrintJob.objects.values_list("code", flat=True))
    assert "jobs.csv" in written and {f"{code}.stl" for code in codes} <= set(written)
    csv_text = (out / "jobs.csv").read_text()
    assert all(code in csv_text for code in codes) and "@" not in csv_text  # no email addresses
    named = set()
    for pk in plate_ids:
        assert (out / f"plate-{pk}.3mf").exists() and (out / f"plate-{pk}.pdf").exists()
        with zipfile.ZipFile(out / f"plate-{pk}.3mf") as archive:
            model = ElementTree.fromstring(archive.read("3D/3dmodel.model"))
        names = [obj.get("name") for obj in model.iter() if obj.tag.endswith("object") and obj.get("name")]
        on_plate = set(Plate.objects.get(pk=pk).jobs.values_list("code", flat=True))
        assert all(any(code in name for name in names) for code in on_plate)
        named |= on_plate
    assert named == codes


@pytest.mark.skipif(shutil.which("pdftoppm") is None and not __import__("os").environ.get("CI"),
                    reason="poppler-utils (Makefile SYSTEM_PACKAGES) not installed")
def test_the_job_sheet_pdf_is_a4_and_renders_with_codes_and_the_plate(shoe_order, farm, capsys, tmp_path):
    plan_json(capsys)
    plate = Plate.objects.order_by("pk").first()
    call_command("export_batch", "--plate", str(plate.pk), "--out", str(tmp_path))
    pdf = tmp_path / f"plate-{plate.pk}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.28 x 841.89 pts (A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for job in plate.jobs.all():
        assert job.code in text
    assert "S0" in text and "g" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert page.size[0] < page.size[1]  # portrait
    dark = sum(1 for value in page.getdata() if value < 200) / (page.size[0] * page.size[1])
    assert dark > 0.02  # text, the plate picture and thumbnails are drawn, not an empty page
    shutil.copy(next(tmp_path.glob("page*.png")), "/tmp/production-job-sheet.png")


def test_a_plate_export_zips_every_file_and_a_second_export_warns(shoe_order, farm, capsys, production_user,
                                                                  django_capture_on_commit_callbacks):
    plan_json(capsys)
    plate_ids = list(Plate.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=False):
        export = plate_export_start(plate_ids=plate_ids, user=production_user)
    for pk in plate_ids:  # what the worker runs, twice for one plate: a redelivered message changes nothing
        plate_export_plate_build(export_id=export.pk, plate_id=pk)
    plate_export_plate_build(export_id=export.pk, plate_id=plate_ids[0])
    export = plate_export_finish(export_id=export.pk)

    assert export.status == "done" and export.fraction == 1.0
    with export.archive.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    codes = PrintJob.objects.values_list("code", flat=True)
    expected = {"jobs.csv"} | {f"{code}.stl" for code in codes} | {
        f"plate-{pk}.{kind}" for pk in plate_ids for kind in ("3mf", "pdf", "html", "png")}
    assert set(names) == expected
    from config.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="exported before"):
        plate_export_start(plate_ids=plate_ids[:1], user=production_user)
    with django_capture_on_commit_callbacks(execute=False):
        assert plate_export_start(plate_ids=plate_ids[:1], user=production_user, again=True).pk


def test_jobs_and_plates_are_estimated_with_the_reports_calibrated_formula(shoe_order, insole_order, farm, capsys):
    from geometry.printability import part_figures, part_shape
    from production.services.planning import job_mesh

    # given the paid orders' jobs, one of them made from a report that did not say its shape yet
    call_command("plan_plates", "--json", "--seconds", "1")
    capsys.readouterr()
    jobs = list(PrintJob.objects.select_related("plate").order_by("pk"))
    measured = {job.pk: part_shape(job_mesh(job)) for job in jobs}
    midsole = next(job for job in jobs if job.part == "midsole")
    assert midsole.holes == measured[midsole.pk]["holes"] > 0  # the honeycomb's cells, from the build report
    PrintJob.objects.filter(pk=midsole.pk).update(area_mm2=0.0, holes=0)
    PrintJob.objects.update(state=PrintJob.State.QUEUED, plate=None)
    Plate.objects.all().delete()
    # when the plates are planned again
    call_command("plan_plates", "--json", "--seconds", "1")
    capsys.readouterr()
    # then every job keeps its part's shape as measured on its mesh, and its grams and minutes on the profile it is
    # packed for are the printability report's figures of that shape (not the older two-term model)
    for job in PrintJob.objects.select_related("plate"):
        shape = measured[job.pk]
        assert job.area_mm2 == pytest.approx(shape["area_mm2"], abs=0.1) and job.holes == shape["holes"]
        assert job.volume_mm3 == pytest.approx(shape["volume_mm3"], abs=0.1)
        figures = part_figures(**shape, profile=PRINTER_PROFILES[job.plate.printer_profile], material=job.material)
        assert job.estimated_minutes == pytest.approx(figures["print_minutes"], abs=0.1)
        assert job.grams == pytest.approx(figures["grams"], abs=0.01)
    # and a plate takes its parts' minutes added up, and weighs their grams
    for plate in Plate.objects.prefetch_related("jobs"):
        on_plate = list(plate.jobs.all())
        assert plate.estimated_minutes == pytest.approx(sum(job.estimated_minutes for job in on_plate), abs=1.5)
        assert plate.grams == pytest.approx(sum(job.grams for job in on_plate), abs=0.1)
