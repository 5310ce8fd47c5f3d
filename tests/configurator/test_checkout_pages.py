"""The checkout pages through Django's test client: review, a double submit, payment, confirmation, cancel."""
import pytest
from django.core import mail
from django.test import Client

from configurator.models import Order
from tests.configurator.order_helpers import done_revision
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db
ADDRESS = {"method": "ship", "name": "Giulia Verdi", "line1": "Via Dante 3", "postcode": "20121", "city": "Milano",
           "country": "IT"}


@pytest.fixture
def revision(shopper, products):
    shopper.customer.email = "giulia@example.com"
    shopper.customer.save()
    return done_revision(customer=shopper.customer, product=products["insole"], sides=("left", "right"))


@pytest.fixture
def client_of(shopper):
    client = Client(HTTP_ACCEPT_LANGUAGE="it")
    client.force_login(shopper)
    return client


def test_review_shows_lines_fit_and_the_stores_in_italian(client_of, revision):
    StoreFactory(name="Sartoria Brera")
    page = client_of.get(f"/checkout/{revision.design_id}/?revision={revision.pk}")
    text = page.content.decode()
    assert page.status_code == 200
    for words in ("Materiale", "Tempo macchina", "Prezzo base (un paio)", "Calza bene", "Consegna prevista",
                  "Sartoria Brera", "Piede sinistro"):
        assert words in text, words


def test_a_double_submit_orders_once_then_pay_and_cancel(client_of, revision, django_capture_on_commit_callbacks):
    page = client_of.get(f"/checkout/{revision.design_id}/?revision={revision.pk}")
    token = page.context["form"]["checkout_token"]
    body = {**ADDRESS, "checkout_token": token, "revision": revision.pk}
    with django_capture_on_commit_callbacks(execute=True):
        first = client_of.post(f"/checkout/{revision.design_id}/", body)
        second = client_of.post(f"/checkout/{revision.design_id}/", body)
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/orders/{order.pk}/pay/"
    assert order.delivery_city == "Milano" and order.language == "it"
    assert [m.subject for m in mail.outbox] == [f"Il tuo ordine Sartoria n. {order.pk} è stato ricevuto"]
    with django_capture_on_commit_callbacks(execute=True):
        paid = client_of.post(f"/orders/{order.pk}/pay/", follow=True)
    assert "Pagato" in paid.content.decode() and Order.objects.get().status == "paid"
    cancelled = client_of.post(f"/orders/{order.pk}/cancel/", {"note": "taglia sbagliata"}, follow=True)
    assert "Annullato" in cancelled.content.decode() and "taglia sbagliata" in cancelled.content.decode()
    assert Order.objects.get().status == "cancelled"


def test_a_missing_field_is_named_and_nothing_is_ordered(client_of, revision):
    page = client_of.post(f"/checkout/{revision.design_id}/", {**ADDRESS, "city": "", "checkout_token": "t1",
                                                               "revision": revision.pk})
    assert page.status_code == 400 and 'id="id_city-error"' in page.content.decode()
    assert "Città" in page.content.decode() and Order.objects.count() == 0


def test_another_shopper_cannot_open_the_checkout_or_the_order(client_of, revision, other_shopper):
    client_of.post(f"/checkout/{revision.design_id}/", {**ADDRESS, "checkout_token": "t2", "revision": revision.pk})
    order = Order.objects.get()
    stranger = Client()
    stranger.force_login(other_shopper)
    assert stranger.get(f"/checkout/{revision.design_id}/").status_code == 404
    assert stranger.get(f"/orders/{order.pk}/").status_code == 404
    assert stranger.post(f"/orders/{order.pk}/cancel/").status_code == 404
    assert Order.objects.get().status == "placed"
