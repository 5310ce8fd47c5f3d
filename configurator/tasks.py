from celery import shared_task

from configurator.services import revision_build


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def revision_build_task(revision_id: int, first_side: str | None = None) -> None:
    revision_build(revision_id=revision_id, first_side=first_side)
