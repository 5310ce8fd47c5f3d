from celery import shared_task

from customers.services import scan_process, scans_sweep


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def scan_process_task(scan_id: int) -> None:
    scan_process(scan_id=scan_id)


@shared_task(ignore_result=True)
def scans_sweep_task() -> None:
    """Celery beat runs it every SARTORIA_JOB_SWEEP_SECONDS: scans left behind by a dead worker are sent again."""
    scans_sweep()
