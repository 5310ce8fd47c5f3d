"""
Planning and exporting 200 print jobs, as production does it; slicing is timed apart.

A fresh SQLite database and media folder in a temporary directory; real built revisions (three pairs of shoes
and an insole, built here, not timed), ordered and paid again and again until their parts make 200 jobs.
Timed: `plates_plan` (jobs from paid orders, footprints of the real meshes, packing, CP-SAT) and the export of every
plate (emboss each code, 3MF, STLs, plate picture, HTML and A4 PDF job sheets) in two worker processes, one plate per
task as the Celery export does, then the zip. Slicing: one plate 3MF with PrusaSlicer (production/slicer.py).

    .venv/bin/python bench/bench_production.py [--jobs 200] [--workers 2] [--seconds 6]
"""
import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{folder}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # the 35 "order paid" mails are kept in memory, not printed between the figures
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def _plate_files(args: tuple[str, int]) -> tuple[int, dict, float]:
    """One worker process's task: every file of one plate (what plate_export_plate_task builds)."""
    folder, plate_id = args
    import django.apps

    if not django.apps.apps.ready:
        _setup(folder)
    from production.models import Plate
    from production.services import plate_files_build

    started = time.perf_counter()
    files = plate_files_build(plate=Plate.objects.select_related("printer").get(pk=plate_id))
    return plate_id, files, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=6.0, help="CP-SAT time limit")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-production-")
    _setup(folder)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from configurator.models import ProductTemplate
    from configurator.services import order_place, order_status_set, revision_build, revision_request
    from customers.services import measurement_set_record
    from production.models import Plate, PrintJob
    from production.services import files_zip, plates_plan, printer_farm_demo_load
    from production.services.exports import jobs_csv_for, plate_printer_key
    from tests.factories import CustomerFactory, DesignFactory

    call_command("load_demo", "--catalogue-only", verbosity=0)
    printer_farm_demo_load()
    started = time.perf_counter()
    revisions = []
    for index, (slug, side, length) in enumerate([("shoe", "both", 255), ("shoe", "both", 270), ("shoe", "both", 285),
                                                  ("insole", "right", 265)]):
        customer = CustomerFactory(full_name=f"Bench Customer {index}")
        feet = {s: {"length_mm": length, "ball_width_mm": 100, "ball_girth_mm": 248, "instep_girth_mm": 254,
                    "heel_width_mm": 68, "arch_height_mm": 18} for s in ("left", "right")}
        measurement_set = measurement_set_record(customer=customer, feet=feet)
        design = DesignFactory(customer=customer, template=ProductTemplate.objects.get(slug=slug))
        revision = revision_request(design=design, options={}, feet=feet, side=side, measurement_set=measurement_set)
        revisions.append(revision_build(revision_id=revision.pk))
    parts = {revision.pk: 6 if revision.design.template.slug == "shoe" else 1 for revision in revisions}
    made, index = 0, 0
    while made < args.jobs:
        revision = revisions[index % 3] if args.jobs - made >= 6 else revisions[3]
        order = order_place(design=revision.design, revision=revision, checkout_token=f"bench-{index}") \
            if "checkout_token" in order_place.__code__.co_varnames else order_place(design=revision.design,
                                                                                    revision=revision)
        order_status_set(order=order, status="paid", actor=None)
        made += parts[revision.pk]
        index += 1
    print(f"setup (4 revisions built, {index} paid orders): {time.perf_counter() - started:.1f} s (not timed)")

    started = time.perf_counter()
    plan = plates_plan(time_limit_s=args.seconds)
    planning_s = time.perf_counter() - started
    jobs = PrintJob.objects.count()
    plates = list(Plate.objects.filter(status="planned").order_by("pk"))
    print(f"planning {jobs} jobs onto {len(plates)} plates on {plan.details['printers']} printers: {planning_s:.1f} s "
          f"(CP-SAT {plan.solve_seconds:.1f} s, {plan.solver_status}); makespan {plan.makespan_minutes} min, "
          f"lower bound {max(plan.lower_bound_minutes, plan.solver_bound_minutes)} min, gap {100 * plan.gap:.1f} %, "
          f"late plates {plan.late_plates}")

    started = time.perf_counter()
    files: dict[str, bytes] = {}
    per_plate = []
    from django.db import connections

    connections.close_all()  # the children open their own
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for _plate_id, plate_files, seconds in pool.map(_plate_files, [(folder, plate.pk) for plate in plates]):
            files.update(plate_files)
            per_plate.append(seconds)
    files["jobs.csv"] = jobs_csv_for(plates)
    content = files_zip(files)
    export_s = time.perf_counter() - started
    print(f"exporting {len(plates)} plates ({len(files)} files, zip {len(content) / 1e6:.1f} MB) with {args.workers} "
          f"worker processes: {export_s:.1f} s (per plate {min(per_plate):.1f}-{max(per_plate):.1f} s)")
    print(f"planning + exporting {jobs} jobs: {planning_s + export_s:.1f} s (target < 60 s)")

    try:
        from production import slicer

        plate = plates[0]
        path = Path(folder) / f"plate-{plate.pk}.3mf"
        path.write_bytes(files[path.name])
        started = time.perf_counter()
        result = slicer.slice_file(path, printer_key=plate_printer_key(plate), material=plate.material)
        print(f"slicing plate {plate.pk} ({plate.jobs.count()} parts) with PrusaSlicer: "
              f"{time.perf_counter() - started:.1f} s; slicer {result.seconds / 60:.0f} min against our "
              f"{plate.estimated_minutes} min")
    except Exception as error:  # noqa: BLE001 - slicing is reported apart and must not hide the figures above
        print(f"slicing skipped: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
