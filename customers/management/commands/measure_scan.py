"""Measure a foot scan from the command line: what the upload does, without the web app or a database."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geometry import scan
from geometry.errors import ParameterError
from customers.models import Measurement


class Command(BaseCommand):
    help = "Clean, orient and measure a foot scan (STL, OBJ, PLY or a .zip of one) and print its measurements."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the scan file")
        parser.add_argument("--json", action="store_true", help="print the measurements format plus side, units and quality")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from error
        try:
            result = scan.measure_scan_file(data, path.name)
        except ParameterError as error:
            allowed = f" (accepted: {error.allowed})" if error.allowed else ""
            raise CommandError(f"{path.name}: {error.message}{allowed}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2))
            return
        self.stdout.write(f"{path.name}: {result.side} foot, file units assumed {result.units}, "
                          f"scan quality {result.quality['grade']} ({result.quality['score']:.2f})")
        for kind, value in result.measurements.items():
            self.stdout.write(f"  {str(Measurement.Kind(kind).label):<16} {value:7.1f} ± {result.uncertainty_mm[kind]:.1f} mm")
        for note in result.quality["notes"]:
            self.stdout.write(f"  note: {note}")
