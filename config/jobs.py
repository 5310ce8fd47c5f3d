"""
Background work that always finishes, once: the database is the truth, a run holds a lease.

A build or a scan row says who works on it (`lease_owner`, "host:pid") and until when (`lease_expires_at`); the
worker renews the lease at every stage. A redelivered message finds a live lease and does nothing; a lease that
expired, or whose holder was a process of this machine that no longer exists, belonged to a dead worker: the
sweeper (`*_sweep_task`, run by Celery beat) or the next delivery takes the work over, and after
`SARTORIA_JOB_MAX_ATTEMPTS` starts that never finished the work ends `failed` with its reason.
Queued work whose message may have been lost (Redis restarted, the broker was down) is sent again.
"""
import logging
import os
import socket
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker took this work over (our lease expired): stop without writing anything more."""


class BrokerUnavailable(APIException):
    """The job queue cannot be reached: 503 with Retry-After, and the request saved nothing."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "queue_unavailable"
    default_detail = _("The build queue cannot be reached right now; nothing was saved. Try again in a few seconds.")
    wait = 10  # DRF turns `wait` into the Retry-After header


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_expiry() -> datetime:
    return timezone.now() + timedelta(seconds=settings.SARTORIA_JOB_LEASE_SECONDS)


def _process_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")  # a zombie is dead, only not reaped
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def lease_is_live(*, owner: str, expires_at: datetime | None) -> bool:
    """Somebody works on it now: the lease has not expired and its holder, if it ran here, still runs."""
    if not owner or expires_at is None or expires_at <= timezone.now():
        return False
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid():
        return not _process_gone(int(pid))  # a worker child killed on this machine: take over at once
    return True


def lease_renew(*, model, pk: int, owner: str) -> None:
    """The heartbeat at each stage: extend our lease, or raise LeaseLost when another worker holds it now."""
    if not model.objects.filter(pk=pk, lease_owner=owner).update(lease_expires_at=lease_expiry()):
        raise LeaseLost(f"{model.__name__} {pk}")


def queued_is_stale(*, enqueued_at: datetime | None) -> bool:
    """Queued for longer than a message takes to reach a free worker: the message may be lost, send it again."""
    limit = timezone.now() - timedelta(seconds=settings.SARTORIA_JOB_STALE_QUEUED_SECONDS)
    return enqueued_at is None or enqueued_at <= limit


def job_is_stuck(job) -> bool:
    """Running without a live lease (its worker died), or queued so long that its message may be lost.

    `job` is a build or a scan: any row with `status` ("queued", "running", ...), a lease and `enqueued_at`.
    """
    if job.status == "running":
        return not lease_is_live(owner=job.lease_owner, expires_at=job.lease_expires_at)
    if job.status == "queued":
        return queued_is_stale(enqueued_at=job.enqueued_at)
    return False


SWEEP_BATCH = 200  # rows looked at per sweep; the next sweep, seconds later, takes the rest


def jobs_sweep(*, model, order_by: str, enqueue, fail, what: str) -> dict[str, list[int]]:
    """Send again the `model` rows a dead worker left running or whose message was lost; fail those that keep dying.

    `enqueue(pk)` sends the row's task (after commit); `fail(row, reason)` records a row that used up its attempts.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.SARTORIA_JOB_STALE_QUEUED_SECONDS)
    candidates = model.objects.filter(
        Q(status="running") & (Q(lease_expires_at__lte=now) | Q(lease_expires_at__isnull=True))
        | Q(status="queued") & (Q(enqueued_at__lte=stale_before) | Q(enqueued_at__isnull=True))
    ).order_by(order_by).values_list("pk", flat=True)[:SWEEP_BATCH]
    swept: dict[str, list[int]] = {"requeued": [], "failed": []}
    for pk in list(candidates):
        with transaction.atomic():
            job = model.objects.select_for_update().get(pk=pk)
            if not job_is_stuck(job):
                continue
            if job.status == "running" and job.attempts >= settings.SARTORIA_JOB_MAX_ATTEMPTS:
                swept["failed"].append(pk)
                continue
            model.objects.filter(pk=pk).update(status="queued", lease_owner="", lease_expires_at=None,
                                               enqueued_at=timezone.now())
            transaction.on_commit(partial(enqueue, pk))
            swept["requeued"].append(pk)
    for pk in swept["failed"]:
        job = model.objects.get(pk=pk)
        fail(job, attempts_exhausted_reason(attempts=job.attempts, what=what))
    if swept["requeued"] or swept["failed"]:
        logger.warning("%s sweep: %s", what, swept)
    return swept


def attempts_exhausted_reason(*, attempts: int, what: str) -> str:
    return (f"the {what} was started {attempts} times and never finished: its worker stopped each time "
            "(killed, out of memory or over the time limit), so it is not tried again. Ask again to retry.")


def broker_ensure_reachable() -> None:
    """Raise BrokerUnavailable unless the job queue answers now (checked before a request saves anything)."""
    from config.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            connection.default_channel  # noqa: B018 - opens the channel, which talks to Redis
    except Exception as error:  # noqa: BLE001 - kombu, redis-py and the OS each raise their own
        logger.warning("job queue unreachable: %s", error)
        raise BrokerUnavailable() from error


def enqueue_quietly(send, **kwargs) -> bool:
    """Send a task after commit; if the broker vanished since the check, the sweeper sends it later."""
    try:
        send(**kwargs)
        return True
    except Exception as error:  # noqa: BLE001 - the row is queued; the sweeper will send it
        logger.warning("could not queue %s %s (%s); the sweeper will", getattr(send, "__name__", send), kwargs, error)
        return False
