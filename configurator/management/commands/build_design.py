"""Build a design without the web app: print files, web mesh, preview and report.json in a folder."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.exceptions import ApplicationError
from geometry import pipeline, registry
from configurator.services import params_by_side_parse, sides_parse
from customers.services import feet_validate


def json_file_read(path: str, what: str) -> dict:
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError as error:
        raise CommandError(f"{what} file {path} does not exist.") from error
    except (OSError, ValueError) as error:
        raise CommandError(f"{what} file {path} is not readable JSON: {error}") from error
    if not isinstance(data, dict):
        raise CommandError(f"{what} file {path} must hold a JSON object.")
    return data


class Command(BaseCommand):
    help = "Build a product for measured feet and write 3MF, STL, GLB, PNG and report.json to --out."

    def add_arguments(self, parser):
        parser.add_argument("--product", required=True, help="product slug: insole or shoe")
        parser.add_argument("--measurements", required=True, help='JSON file: {"left": {...}, "right": {...}} in mm')
        parser.add_argument("--params", help="JSON file of product options; missing ones take their defaults")
        parser.add_argument("--side", default="both", choices=["left", "right", "both"])
        parser.add_argument("--out", required=True, help="folder to write into (created if missing)")

    def handle(self, *args, **options):
        # Product slugs are stable and name their generator, so no database is needed here.
        product_key = options["product"]
        if product_key not in registry.product_keys():
            raise CommandError(f"unknown product {product_key!r}; choose one of {', '.join(registry.product_keys())}.")
        feet = json_file_read(options["measurements"], "measurements")
        params = json_file_read(options["params"], "params") if options["params"] else {}
        try:
            sides = sides_parse(side=options["side"])
            params_by_side = params_by_side_parse(
                product_key=product_key, options=params, feet=feet_validate(feet=feet), sides=sides
            )
        except ApplicationError as error:
            raise CommandError(f"{error.message} {error.extra}") from error

        def progress(stage: str, fraction: float) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"{fraction:4.0%} {stage}")

        artifacts = pipeline.sides_build(
            product_key, params_by_side, on_progress=progress, renderer=settings.SARTORIA_RENDERER
        )
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for side, side_artifacts in artifacts.items():
            for name, content in side_artifacts.files.items():
                (out / f"{side}-{name}").write_bytes(content)
        report = pipeline.build_report(product_key, artifacts)
        (out / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True))
        written = sum(len(side_artifacts.files) for side_artifacts in artifacts.values()) + 1
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} files to {out} in {report['build_seconds']} s of geometry."))
