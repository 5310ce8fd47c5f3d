"""Background entry points of production: take ids, call one service each."""
from celery import shared_task

from production import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def print_jobs_create_task(order_id: int) -> None:
    from configurator.selectors import order_get

    services.print_jobs_create_for_order(order=order_get(order_id=order_id))


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def plate_export_plate_task(export_id: int, plate_id: int) -> None:
    services.plate_export_plate_build(export_id=export_id, plate_id=plate_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def plate_export_finish_task(export_id: int) -> None:
    services.plate_export_finish(export_id=export_id)


@shared_task(acks_late=True)
def print_jobs_sweep_task() -> None:
    """Beat: every paid order without jobs gets them (payment does not have to know production)."""
    services.print_jobs_create_for_paid_orders()


@shared_task(ignore_result=True)
def plate_exports_sweep_task() -> None:
    """Beat: plate exports stuck for SARTORIA_PLATE_EXPORT_STUCK_SECONDS get their missing plates sent again."""
    services.plate_exports_sweep()
