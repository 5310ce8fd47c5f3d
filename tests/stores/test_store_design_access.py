"""A checked-in customer's designs for that store's staff: list, start, revise; 404 for everyone else and after."""
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import TouchpointEvent
from stores.models import CheckIn
from tests.conftest import FEET
from tests.factories import DesignFactory
from tests.stores.conftest import client_for

pytestmark = pytest.mark.django_db

REVISION = {"parameters": {"thickness_mm": 4.5}, "measurements": FEET}


@pytest.fixture
def design(giulia, products):
    customer, _ = giulia
    return DesignFactory(customer=customer, template=products["insole"], name="Giulia's insole")


def test_checked_in_customer_designs_are_listed_for_the_staff_member(associate, check_in, design):
    _, customer = check_in
    response = client_for(associate).get(f"/api/designs/?customer={customer.pk}")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [design.pk]
    lookups = TouchpointEvent.objects.filter(customer=customer, kind="lookup", data__what="designs")
    assert lookups.count() == 1 and lookups.get().channel == "store"


def test_staff_start_a_design_for_the_customer(associate, check_in, products):
    _, customer = check_in
    response = client_for(associate).post("/api/designs/", {"product": "insole", "customer": customer.pk}, format="json")
    assert response.status_code == 201
    assert customer.designs.filter(pk=response.json()["id"]).exists()
    assert not associate.customer_set.exists() if hasattr(associate, "customer_set") else True


def test_a_store_revision_says_who_asked_and_through_which_channel(associate, check_in, design):
    _, customer = check_in
    response = client_for(associate).post(f"/api/designs/{design.pk}/revisions/", REVISION, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["requested_by"] == {"channel": "store", "name": "Marco Rossi"}
    # the owner reads the same
    owner = client_for(customer.user).get(f"/api/revisions/{response.json()['id']}/").json()
    assert owner["requested_by"] == {"channel": "store", "name": "Marco Rossi"}
    event = TouchpointEvent.objects.get(customer=customer, kind="revision")
    assert (event.channel, event.store_id, event.data["revision"]) == ("store", design_store(associate), owner["id"])


def design_store(user):
    return user.staff_membership.store_id


def test_the_owner_own_revision_is_web(check_in, design):
    _, customer = check_in
    response = client_for(customer.user).post(f"/api/designs/{design.pk}/revisions/", REVISION, format="json")
    assert response.json()["requested_by"]["channel"] == "web"


def staff_requests(user, customer, design) -> list[int]:
    client = client_for(user)
    return [
        client.get(f"/api/designs/?customer={customer.pk}").status_code,
        client.post("/api/designs/", {"product": "insole", "customer": customer.pk}, format="json").status_code,
        client.get(f"/api/designs/{design.pk}/").status_code,
        client.post(f"/api/designs/{design.pk}/revisions/", REVISION, format="json").status_code,
        client.get(f"/api/designs/{design.pk}/revisions/").status_code,
    ]


def test_before_check_in_staff_get_404(associate, giulia, design):
    customer, _ = giulia
    assert staff_requests(associate, customer, design) == [404] * 5


def test_after_check_out_staff_get_404_at_once(associate, check_in, design):
    body, customer = check_in
    assert staff_requests(associate, customer, design)[:3] == [200, 201, 200]
    client_for(associate).delete(f"/api/store/check-ins/{body['id']}/")
    assert staff_requests(associate, customer, design) == [404] * 5


def test_staff_of_another_store_get_404(other_store_associate, check_in, design):
    _, customer = check_in
    assert staff_requests(other_store_associate, customer, design) == [404] * 5


def test_an_expired_check_in_gives_404(associate, check_in, design):
    body, customer = check_in
    CheckIn.objects.filter(pk=body["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert staff_requests(associate, customer, design) == [404] * 5


def test_a_colleague_at_the_same_store_may_work_on_the_checked_in_customer(check_in, design, store):
    from tests.stores.factories import StaffFactory

    _, customer = check_in
    colleague = StaffFactory(store=store, user__first_name="Luca", user__last_name="Neri").user
    response = client_for(colleague).post(f"/api/designs/{design.pk}/revisions/", REVISION, format="json")
    assert response.json()["requested_by"] == {"channel": "store", "name": "Luca Neri"}


def test_staff_may_not_delete_share_or_order_the_customer_design(associate, check_in, design):
    client = client_for(associate)
    assert client.delete(f"/api/designs/{design.pk}/").status_code == 404
    assert client.post(f"/api/designs/{design.pk}/share/", {}, format="json").status_code == 404


def test_a_bad_customer_filter_names_the_field(associate, check_in):
    response = client_for(associate).get("/api/designs/?customer=abc")
    assert response.status_code == 400
    assert "customer" in response.json()
