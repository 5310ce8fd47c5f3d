"""The Celery app: configured from Django settings (CELERY_* names), tasks found in each app's tasks.py."""
import os

from celery import Celery
from celery.signals import celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sartoria")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def _worker_priority_lower(**_) -> None:
    """A worker runs below the web processes (config/priority.py): on a machine it shares with them, a build takes
    the CPU the pages leave. Its pool's processes are forked after this and inherit it."""
    from django.conf import settings

    from config.priority import priority_lower

    priority_lower(settings.SARTORIA_WORKER_NICE)
