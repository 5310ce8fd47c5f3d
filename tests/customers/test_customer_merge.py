"""customer_merge and customer_merge_undo: every row moves to the survivor and back, none lost, none to the wrong owner."""
import hashlib

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.models import DesignRevision
from configurator.services import order_place
from customers.models import ChannelIdentity, Customer, CustomerMerge, FootScan, MeasurementSet, TouchpointEvent
from customers.selectors import customer_find_by_loyalty_card, customer_for_user_get, customer_loyalty_card
from customers.services import (
    consent_set,
    customer_links,
    customer_merge,
    customer_merge_undo,
    guest_start,
    loyalty_card_issue,
    touchpoint_record,
)
from config.exceptions import ApplicationError
from tests.conftest import FEET
from tests.factories import CustomerFactory, DesignFactory
from tests.stores.factories import StaffFactory
from stores.services import check_in_start

pytestmark = pytest.mark.django_db


def owners(*customers) -> dict[str, dict[int, int]]:
    """Every row of every table pointing at these customers: {"app.Model.field": {pk: customer id}}.

    The timeline's "merge" events are left out: the merge and its undo add them (they are the log, not data moved).
    """
    ids = [customer.pk for customer in customers]
    found = {}
    for model, field in customer_links():
        rows = model._base_manager.filter(**{f"{field.name}__in": ids})
        if model is TouchpointEvent:
            rows = rows.exclude(kind="merge")
        rows = dict(rows.values_list("pk", field.attname))
        if rows:
            found[f"{model._meta.label}.{field.name}"] = rows
    return found


def give(customer, *, designs=0, sets=0, scans=0, events=0, emails=(), consent=None, products=None):
    for _ in range(designs):
        DesignFactory(customer=customer, template=products["insole"])
    for _ in range(sets):
        MeasurementSet.objects.create(customer=customer)
    for _ in range(scans):
        FootScan.objects.create(customer=customer)
    for index in range(events):
        touchpoint_record(customer=customer, kind="lookup", channel="store", data={"n": index})
    for email in emails:
        ChannelIdentity.objects.get_or_create(customer=customer, channel="email", external_id=email)
    if consent is not None:
        consent_set(customer=customer, topic="email", granted=consent, channel="web", method="test")


def test_a_merge_moves_everything_and_undo_puts_back_exactly_what_moved(products, shopper, other_shopper, admin_user):
    kept, gone = shopper.customer, other_shopper.customer
    give(kept, designs=1, sets=1, events=1, emails=["shared@example.com"], consent=True, products=products)
    give(gone, designs=2, sets=2, scans=1, events=2, emails=["shared@example.com"], consent=False, products=products)
    design = gone.designs.first()
    revision = DesignRevision.objects.create(design=design, number=1, params_hash=hashlib.sha256(b"m").hexdigest(),
                                             parameters={}, measurements=FEET, sides=["right"],
                                             status=DesignRevision.Status.DONE, finished_at=timezone.now())
    order = order_place(design=design, revision=revision)
    check_in = check_in_start(staff=StaffFactory().user, customer=gone)  # another app's table: it moves too
    gone_card = customer_loyalty_card(customer=gone)
    before = owners(kept, gone)

    customer_merge(source=gone, target=kept, actor=admin_user, reason="same person at two emails")

    after = owners(kept, gone)
    merge = CustomerMerge.objects.get()
    assert (merge.actor, merge.reason) == (admin_user, "same person at two emails")
    for key, rows in before.items():
        for pk, owner in rows.items():
            # every row is the survivor's now, except the one email both held (one copy is enough)
            duplicate = key == "customers.ChannelIdentity.customer" and owner == gone.pk and \
                ChannelIdentity.objects.get(pk=pk).external_id == "shared@example.com"
            assert after[key][pk] == (gone.pk if duplicate else kept.pk), (key, pk)
    assert set(merge.moved["configurator.Order.customer"]) == {order.pk}
    assert merge.moved["stores.CheckIn.customer"] == [check_in.pk]
    # the merged record's card and login lead to the survivor
    assert customer_find_by_loyalty_card(number=gone_card) == kept
    assert customer_for_user_get(user=other_shopper) == kept
    assert not type(other_shopper).objects.get(pk=other_shopper.pk).is_active  # two logins: the other is off
    assert kept.touchpoints.filter(kind="merge").exists()

    customer_merge_undo(merge=merge, actor=admin_user)

    assert owners(kept, gone) == before
    assert customer_for_user_get(user=other_shopper) == gone
    assert type(other_shopper).objects.get(pk=other_shopper.pk).is_active
    assert customer_find_by_loyalty_card(number=gone_card) == gone
    with pytest.raises(ApplicationError):
        customer_merge_undo(merge=merge)  # once


def test_a_record_with_no_login_gives_the_survivor_its_login(products):
    account = CustomerFactory()
    walk_in = Customer.objects.create(full_name="Walk In")
    loyalty_card_issue(customer=walk_in)
    customer_merge(source=account, target=walk_in, reason="registered at the desk, then online")
    assert Customer.objects.get(pk=walk_in.pk).user == account.user
    assert walk_in.identities.filter(channel="email").exists()
    customer_merge_undo(merge=CustomerMerge.objects.get())
    assert Customer.objects.get(pk=account.pk).user == account.user and Customer.objects.get(pk=walk_in.pk).user is None


def test_a_merged_or_erased_record_cannot_be_merged_again(shopper, other_shopper):
    third = CustomerFactory()
    customer_merge(source=other_shopper.customer, target=shopper.customer)
    with pytest.raises(ApplicationError):
        customer_merge(source=Customer.objects.get(pk=other_shopper.customer.pk), target=third)
    # undoing the first merge after the survivor was merged again is refused: undo the later one first
    customer_merge(source=Customer.objects.get(pk=shopper.customer.pk), target=third)
    first = CustomerMerge.objects.get(merged=other_shopper.customer)
    with pytest.raises(ApplicationError):
        customer_merge_undo(merge=first)
    customer_merge_undo(merge=CustomerMerge.objects.get(merged=shopper.customer))
    customer_merge_undo(merge=first)
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0


def test_the_guest_merge_uses_the_same_machinery(shopper, products):
    guest_user = guest_start()
    guest = customer_for_user_get(user=guest_user)
    give(guest, designs=1, sets=1, products=products)
    from customers.services import guest_merge_into_account

    guest_merge_into_account(guest_user=guest_user, account=shopper)
    merge = CustomerMerge.objects.get()
    assert merge.survivor == shopper.customer and len(merge.moved["configurator.Design.customer"]) == 1
    assert merge.extra["guest_user_deleted"] == guest_user.pk


records = st.fixed_dictionaries({"designs": st.integers(0, 3), "sets": st.integers(0, 3), "scans": st.integers(0, 2),
                                 "events": st.integers(0, 3), "emails": st.lists(st.sampled_from(["a@x.it", "b@x.it"]),
                                                                                   unique=True, max_size=2),
                                 "consent": st.sampled_from([None, True, False])})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=records, second=records, second_has_login=st.booleans())
def test_no_row_is_lost_or_changes_owner_wrongly_over_random_records(products, first, second, second_has_login):
    with transaction.atomic():
        kept = CustomerFactory().user.customer
        gone = CustomerFactory().user.customer if second_has_login else Customer.objects.create(full_name="G")
        give(kept, products=products, **first)
        give(gone, products=products, **second)
        before = owners(kept, gone)
        total = sum(len(rows) for rows in before.values())
        customer_merge(source=gone, target=kept)
        after = owners(kept, gone)
        assert sum(len(rows) for rows in after.values()) == total  # nothing lost
        left_behind = {(key, pk) for key, rows in after.items() for pk, owner in rows.items() if owner == gone.pk}
        # only the identities the survivor already held stay behind
        assert all(key == "customers.ChannelIdentity.customer" for key, _pk in left_behind)
        assert all((identity.channel, identity.external_id) in set(kept.identities.values_list("channel", "external_id"))
                   for identity in ChannelIdentity.objects.filter(pk__in=[pk for _key, pk in left_behind]))
        customer_merge_undo(merge=CustomerMerge.objects.get(merged=gone))
        assert owners(kept, gone) == before
        transaction.set_rollback(True)
