"""Production objects for tests: a plate, a job on it and an export, for an order that already exists."""
from django.utils import timezone

from configurator.models import DesignRevision
from production.models import Plate, PlateExport, PrintJob


def production_world(*, revision: DesignRevision) -> dict[str, int]:
    """One planned plate holding one job of the revision's order, and a queued export of that plate (URL kwargs)."""
    order = revision.orders.order_by("pk").first()
    plate = Plate.objects.create(printer_profile="prusa_xl", material="tpu_95a", color="#c8553d", spacing_mm=6.0,
                                 due=timezone.now())
    side = revision.sides[0]
    job = PrintJob.objects.create(order=order, revision=revision, side=side, part="insole", code=f"T{order.pk}-IN",
                                  stl_name="insole.stl", material="tpu_95a", color="#c8553d",
                                  state=PrintJob.State.PLANNED, plate=plate)
    export = PlateExport.objects.create(plates_total=1)
    export.plates.set([plate])
    return {"job_id": job.pk, "plate_id": plate.pk, "export_id": export.pk}
