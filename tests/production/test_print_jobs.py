"""Paid orders become print jobs once; states with history; the order follows; reprints keep the code."""
import re

import pytest

from config.exceptions import ApplicationError
from configurator.models import Order
from configurator.services import order_place
from production.models import PrintJob
from production.services import (
    order_number,
    print_job_state_set,
    print_jobs_create_for_order,
    print_jobs_create_for_paid_orders,
)
from production.tasks import print_jobs_create_task
from tests.configurator.helpers import built_revision

pytestmark = pytest.mark.django_db


def test_a_paid_pair_of_shoes_becomes_six_jobs_with_short_codes_once(shoe_order, production_user):
    jobs = print_jobs_create_for_order(order=shoe_order, actor=production_user)
    again = print_jobs_create_for_order(order=shoe_order, actor=production_user)  # paid twice
    print_jobs_create_task(shoe_order.pk)  # a retried task
    print_jobs_create_for_paid_orders()  # the catch-up

    assert len(jobs) == 6 and [job.pk for job in again] == [job.pk for job in jobs]
    assert PrintJob.objects.filter(order=shoe_order).count() == 6
    assert {(job.side, job.part) for job in jobs} == {
        (side, part) for side in ("left", "right") for part in ("upper", "midsole", "outsole")}
    number = order_number(shoe_order)
    assert {job.code for job in jobs} == {f"{number}-{p}-{s}" for p in ("UP", "MS", "OS") for s in ("L", "R")}
    assert all(re.fullmatch(r"S\d{4,}-[A-Z]{2}-[LR]", job.code) for job in jobs)
    assert all(job.state == "queued" and job.grams > 0 and job.estimated_minutes > 0 for job in jobs)
    assert all(job.stl_name.startswith("shoe-") and job.stl_name.endswith(".stl") for job in jobs)
    assert all(job.events.count() == 1 for job in jobs)


def test_a_placed_order_that_is_not_paid_makes_no_jobs(shopper, products):
    revision = built_revision(user=shopper, product=products["insole"])
    order = order_place(design=revision.design, revision=revision)
    with pytest.raises(ApplicationError, match="paid"):
        print_jobs_create_for_order(order=order)
    assert print_jobs_create_for_paid_orders() == 0
    assert not PrintJob.objects.exists()


def test_states_record_who_and_when_and_the_order_follows(insole_order, production_user):
    (job,) = print_jobs_create_for_order(order=insole_order)
    job.state = PrintJob.State.PLANNED
    job.save()

    print_job_state_set(job=job, state="printing", actor=production_user)
    insole_order.refresh_from_db()
    assert insole_order.status == Order.Status.IN_PRODUCTION

    print_job_state_set(job=job, state="printed", actor=production_user, note="looks good")
    insole_order.refresh_from_db()
    assert insole_order.status == Order.Status.PRINTED
    events = list(job.events.all())
    assert [event.state for event in events] == ["queued", "printing", "printed"]
    assert events[-1].actor == production_user and events[-1].note == "looks good" and events[-1].at


def test_a_job_cannot_jump_states(insole_order, production_user):
    (job,) = print_jobs_create_for_order(order=insole_order)
    with pytest.raises(ApplicationError) as refused:
        print_job_state_set(job=job, state="printed", actor=production_user)
    assert refused.value.extra["field"] == "state" and "printed" in refused.value.message
    with pytest.raises(ApplicationError):
        print_job_state_set(job=job, state="melted", actor=production_user)


def test_a_reprint_keeps_the_code_with_a_suffix_and_the_order_waits_for_it(insole_order, production_user):
    (job,) = print_jobs_create_for_order(order=insole_order)
    PrintJob.objects.filter(pk=job.pk).update(state=PrintJob.State.PLANNED)
    job.refresh_from_db()
    print_job_state_set(job=job, state="printing", actor=production_user)
    print_job_state_set(job=job, state="failed", actor=production_user, note="warped")

    first = print_job_state_set(job=job, state="reprint", actor=production_user)

    assert first.code == f"{job.code}-R1" and first.state == "queued" and first.reprint_of_id == job.pk
    job.refresh_from_db()
    assert job.state == "reprint"
    PrintJob.objects.filter(pk=first.pk).update(state=PrintJob.State.PLANNED)
    first.refresh_from_db()
    print_job_state_set(job=first, state="printing", actor=production_user)
    print_job_state_set(job=first, state="failed", actor=production_user)
    second = print_job_state_set(job=first, state="reprint", actor=production_user)
    assert second.code == f"{job.code}-R2"
    insole_order.refresh_from_db()
    assert insole_order.status == Order.Status.IN_PRODUCTION  # not printed while a reprint is outstanding
