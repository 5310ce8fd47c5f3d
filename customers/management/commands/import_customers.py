"""python manage.py import_customers FILE [--dry-run] [--json]: customers from a CRM export (CSV or JSON)."""
import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customers.matching import IMPORT_COLUMNS
from customers.services.imports import customers_import


def rows_read(path: Path):
    """(line, row) pairs: CSV lines count from the header (line 1), JSON rows from 1 in the array."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path.name}: not a JSON file ({error}).") from None
        if isinstance(data, dict) and isinstance(data.get("customers"), list):
            data = data["customers"]
        if not isinstance(data, list):
            raise CommandError(f"{path.name}: a JSON import is an array of objects with the columns "
                               f"{', '.join(IMPORT_COLUMNS)}.")
        return [(index, row if isinstance(row, dict) else {"__not_an_object__": row})
                for index, row in enumerate(data, start=1)]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path.name}: not UTF-8 text ({error}).") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    columns = [name.strip() for name in reader.fieldnames or []]
    if not set(columns) & set(IMPORT_COLUMNS):
        raise CommandError(f"{path.name}: the first line names no known column; use {', '.join(IMPORT_COLUMNS)}.")
    reader.fieldnames = columns
    return [(reader.line_num, row) for row in reader]


class Command(BaseCommand):
    help = "Import customers (CSV or JSON: " + ", ".join(IMPORT_COLUMNS) + "); matching rules in customers/matching.py."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="match and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file: Path, dry_run: bool, json: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        rows = rows_read(file)
        report = customers_import(rows=rows, dry_run=dry_run, source=file.name)
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps(report))
            return
        verb = "would be" if dry_run else "were"
        self.stdout.write(f"{report['created']} customers {verb} created, {report['matched']} matched, "
                          f"{report['conflicts']} conflicts (merge suggestions for staff), "
                          f"{len(report['errors'])} rows refused.")
        for error in report["errors"]:
            self.stdout.write(f"  line {error['line']}: {error['reason']}")
