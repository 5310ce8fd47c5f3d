"""Plan queued print jobs: jobs for paid orders, plates packed by footprint, the farm's plan by CP-SAT."""
import json

from django.core.management.base import BaseCommand

from production.api.views import plan_data
from production.presenters import plan_sentence
from production.services import plates_plan


class Command(BaseCommand):
    help = "Pack queued jobs onto plates (by printer profile, material, colour) and plan the farm with CP-SAT."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the plan as JSON (plates, printers, bounds)")
        parser.add_argument("--seconds", type=float, default=None, help="CP-SAT time limit (default 6 s)")

    def handle(self, *args, **options):
        plan = plates_plan(time_limit_s=options["seconds"])
        if options["json"]:
            self.stdout.write(json.dumps(plan_data(plan), indent=2))
        else:
            self.stdout.write(plan_sentence(plan))
