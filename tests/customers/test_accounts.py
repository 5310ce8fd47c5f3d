"""Sign up, start as a guest, and the guest's work moving into an account: nothing lost, nothing doubled."""
import pytest
from django.contrib.auth import get_user_model

from configurator.models import Design
from customers.models import Customer, MeasurementSet
from tests.configurator.helpers import feet_copy

pytestmark = pytest.mark.django_db


def start_guest_with_a_design(client, products) -> Design:
    assert client.post("/accounts/guest/", {"next": "/configure/insole/"}).url == "/configure/insole/"
    created = client.post("/api/designs/", {"product": "insole", "name": "guest pair"}, content_type="application/json")
    design_id = created.json()["id"]
    requested = client.post(
        f"/api/designs/{design_id}/revisions/", {"measurements": feet_copy(), "side": "both"},
        content_type="application/json",
    )
    assert requested.status_code == 202
    return Design.objects.get(pk=design_id)


def test_a_guest_who_signs_up_keeps_designs_and_measurements(client, products):
    design = start_guest_with_a_design(client, products)
    guest_customer = design.customer
    assert guest_customer.is_guest
    response = client.post("/accounts/signup/", {"username": "giulia", "email": "giulia@example.com",
                                                 "password": "a long pass phrase 42"})
    assert response.status_code == 302
    giulia = get_user_model().objects.get(username="giulia")
    assert giulia.check_password("a long pass phrase 42")
    customer = Customer.objects.get(user=giulia)
    assert customer.pk == guest_customer.pk and not customer.is_guest
    assert list(customer.designs.all()) == [design] and customer.measurement_sets.count() == 1
    assert client.get("/profile/").context["designs"][0][0] == design


def test_a_guest_who_logs_in_brings_their_work_into_the_account(client, products, shopper):
    design = start_guest_with_a_design(client, products)
    guest_user = design.customer.user
    guest_customer_id = design.customer_id
    before = shopper.customer.designs.count()
    response = client.post("/accounts/login/", {"username": shopper.username, "password": "correct horse battery"})
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.customer == shopper.customer and shopper.customer.designs.count() == before + 1
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1
    assert not get_user_model().objects.filter(pk=guest_user.pk).exists()  # the throwaway guest login is gone
    assert not Customer.objects.filter(is_guest=True).exists()
    assert Customer.objects.get(pk=guest_customer_id).merged_into == shopper.customer  # kept, empty, so it can be undone


def test_sign_up_errors_name_the_field(client, shopper):
    taken = client.post("/accounts/signup/", {"username": shopper.username, "email": "x@example.com",
                                              "password": "a long pass phrase 42"})
    assert taken.status_code == 400 and "username" in taken.context["form"].errors
    weak = client.post("/accounts/signup/", {"username": "newbie", "email": "not-an-email", "password": "123"})
    assert weak.status_code == 400
    assert set(weak.context["form"].errors) == {"email", "password"}
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_the_italian_sign_up_page_is_in_italian(client):
    page = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Crea il tuo account" in page and "Registrati" in page
