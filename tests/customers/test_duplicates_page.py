"""Possible duplicates: a store manager or an admin compares two records, merges them and undoes the merge."""
import pytest

from customers.models import Customer, CustomerMerge, MergeSuggestion
from stores.models import StaffMembership
from tests.customers.helpers import golden_record_world
from tests.stores.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return StaffFactory(role=StaffMembership.Role.MANAGER).user


@pytest.mark.parametrize("who, allowed", [("manager", True), ("associate", False), ("shopper", False),
                                          ("production_user", False), ("admin_user", True)])
def test_only_a_manager_or_an_admin_reaches_the_duplicates(client, request, manager, who, allowed):
    suggestion, merge = golden_record_world()
    user = manager if who == "manager" else StaffFactory().user if who == "associate" else request.getfixturevalue(who)
    client.force_login(user)
    pages = [client.get("/customers/duplicates/"), client.get(f"/customers/duplicates/{suggestion.pk}/"),
             client.post(f"/customers/merges/{merge.pk}/undo/")]
    assert [page.status_code != 403 for page in pages] == [allowed] * 3
    assert (CustomerMerge.objects.get(pk=merge.pk).undone_at is not None) == allowed


def test_a_manager_compares_merges_and_undoes_in_italian(client, manager):
    suggestion, _merge = golden_record_world()
    client.force_login(manager)
    listing = client.get("/customers/duplicates/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Possibili doppioni" in listing and f"/customers/duplicates/{suggestion.pk}/" in listing
    compare = client.get(f"/customers/duplicates/{suggestion.pk}/", HTTP_ACCEPT_LANGUAGE="it")
    assert "Mantieni questa scheda" in compare.content.decode() and len(compare.context["sides"]) == 2
    missing = client.post(f"/customers/duplicates/{suggestion.pk}/", {"action": "merge"}, HTTP_ACCEPT_LANGUAGE="it")
    assert missing.status_code == 400 and "Scegli quale scheda mantenere" in missing.content.decode()
    keep = suggestion.customer_b
    response = client.post(f"/customers/duplicates/{suggestion.pk}/", {"action": "merge", "survivor": keep.pk,
                                                                      "reason": "same phone, same person"})
    assert response.status_code == 302
    merge = CustomerMerge.objects.get(suggestion=suggestion)
    assert (merge.survivor, merge.merged, merge.actor, merge.reason) == (keep, suggestion.customer_a, manager,
                                                                        "same phone, same person")
    assert MergeSuggestion.objects.get(pk=suggestion.pk).status == "merged"
    client.post(f"/customers/merges/{merge.pk}/undo/")
    assert Customer.objects.get(pk=suggestion.customer_a.pk).merged_into is None
    assert MergeSuggestion.objects.get(pk=suggestion.pk).status == "open"


def test_two_different_people_are_dismissed(client, admin_user):
    suggestion, _merge = golden_record_world()
    client.force_login(admin_user)
    client.post(f"/customers/duplicates/{suggestion.pk}/", {"action": "dismiss"})
    assert MergeSuggestion.objects.get(pk=suggestion.pk).status == "dismissed"
    assert suggestion not in client.get("/customers/duplicates/").context["suggestions"]
