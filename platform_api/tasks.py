from celery import shared_task

from platform_api.services import idempotency_keys_purge


@shared_task(ignore_result=True)
def idempotency_keys_purge_task() -> None:
    """Hourly (the beat): drop Idempotency-Keys past their expiry. A repeat run finds nothing more to delete."""
    idempotency_keys_purge()
