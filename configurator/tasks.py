from celery import shared_task

from configurator.services import revision_build, revision_previews_render, revisions_sweep


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def revision_build_task(revision_id: int, first_side: str | None = None) -> None:
    revision_build(revision_id=revision_id, first_side=first_side)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def revision_previews_task(revision_id: int) -> None:
    revision_previews_render(revision_id=revision_id)


@shared_task(ignore_result=True)
def revisions_sweep_task() -> None:
    """Celery beat runs it every SARTORIA_JOB_SWEEP_SECONDS: builds left behind by a dead worker are sent again."""
    revisions_sweep()
