"""Write chosen plates' print files and job sheets to a folder: plate-<id>.3mf/.pdf/.html/.png, <code>.stl, jobs.csv."""
import json

from django.core.management.base import BaseCommand, CommandError

from config.exceptions import ApplicationError
from production.models import Plate
from production.services import plates_export_to_dir, plates_for_export


class Command(BaseCommand):
    help = "Export plates (--plate ID ..., or every plate with --status) to --out DIR."

    def add_arguments(self, parser):
        parser.add_argument("--plate", type=int, action="append", default=[], help="a plate id (repeatable)")
        parser.add_argument("--status", choices=Plate.Status.values, help="every plate with this status")
        parser.add_argument("--out", required=True, help="folder to write into (created if missing)")
        parser.add_argument("--json", action="store_true", help="print the files written as JSON")

    def handle(self, *args, **options):
        ids = list(options["plate"])
        if options["status"]:
            ids += list(Plate.objects.filter(status=options["status"]).values_list("pk", flat=True))
        if not ids:
            raise CommandError("no plates: give --plate ID or --status planned (and run plan_plates first).")
        try:
            plates = plates_for_export(plate_ids=ids)
            written = plates_export_to_dir(plates=plates, out_dir=options["out"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["json"]:
            self.stdout.write(json.dumps({"plates": [plate.pk for plate in plates], "files": sorted(written)}))
        else:
            self.stdout.write(f"{len(plates)} plates, {len(written)} files written to {options['out']}")
