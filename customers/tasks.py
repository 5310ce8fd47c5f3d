from celery import shared_task

from customers.services import scan_process


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def scan_process_task(scan_id: int) -> None:
    scan_process(scan_id=scan_id)
