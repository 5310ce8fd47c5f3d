"""What a customer sees and controls: /api/me/, card and QR, consent, timeline, export and erasure."""
import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from django.core import mail, signing
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from customers.models import ChannelIdentity, Customer, FootScan, FootScanFile, TouchpointEvent
from customers.selectors import customer_find_by_email, customer_from_qr_token, customer_loyalty_card
from customers.services import consent_set, customer_qr_token, measurement_set_record
from tests.conftest import FEET
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_me_has_the_loyalty_card(shopper):
    me = api(shopper).get("/api/me/").json()
    card = customer_loyalty_card(customer=shopper.customer)
    assert me["loyalty_card"] == card and len(card) == 13 and card.startswith("27")
    assert me["id"] == shopper.customer.pk and me["consent"] == {"email": None, "sms": None}
    assert {"channel": "email", "value": shopper.email, "verified": False} in me["identities"]


def test_a_new_account_gets_a_card_and_a_second_sign_up_with_its_email_is_refused_in_both_languages(client):
    first = client.post("/accounts/signup/", {"username": "giulia", "email": "Giulia@Example.com",
                                              "password": "a long pass phrase 42"})
    assert first.status_code == 302
    giulia = Customer.objects.get(user__username="giulia")
    assert customer_loyalty_card(customer=giulia) and giulia.touchpoints.filter(kind="signup").exists()
    assert giulia.touchpoints.filter(kind="login").exists()
    client.logout()
    again = client.post("/accounts/signup/", {"username": "impostor", "email": "giulia@example.COM",
                                              "password": "a long pass phrase 42"})
    assert again.status_code == 400 and "email" in again.context["form"].errors
    assert "already exists" in again.context["form"].errors["email"][0]
    italian = client.post("/accounts/signup/", {"username": "impostor", "email": "giulia@example.com",
                                                "password": "a long pass phrase 42"}, HTTP_ACCEPT_LANGUAGE="it")
    assert "Esiste già" in italian.context["form"].errors["email"][0]
    assert customer_find_by_email(email="GIULIA@example.com") == giulia


def test_one_verified_email_belongs_to_one_customer_whatever_its_case(shopper, other_shopper):
    from django.db import IntegrityError, transaction

    ChannelIdentity.objects.create(customer=shopper.customer, channel="email", external_id="same@example.com",
                                   verified=True)
    ChannelIdentity.objects.create(customer=other_shopper.customer, channel="email", external_id="SAME@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelIdentity.objects.create(customer=other_shopper.customer, channel="email",
                                       external_id="Same@Example.com", verified=True)
    assert customer_find_by_email(email="same@example.com") == shopper.customer


def test_an_email_two_accounts_hold_unconfirmed_finds_nobody(shopper, other_shopper):
    for user in (shopper, other_shopper):
        ChannelIdentity.objects.create(customer=user.customer, channel="email", external_id="family@example.com")
    assert customer_find_by_email(email="family@example.com") is None  # never "the lowest id"


def test_the_qr_token_names_the_customer_until_it_expires(shopper, monkeypatch, settings):
    token = customer_qr_token(customer=shopper.customer)
    assert customer_loyalty_card(customer=shopper.customer) not in token
    assert customer_from_qr_token(token=token) == shopper.customer
    assert customer_from_qr_token(token=token[:-2] + "xx") is None
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + settings.SARTORIA_QR_TOKEN_MAX_AGE_S + 1)
    assert customer_from_qr_token(token=token) is None


def test_the_profile_shows_card_qr_barcode_consent_and_timeline_in_italian(client, shopper):
    measurement_set_record(customer=shopper.customer, feet=FEET)
    client.force_login(shopper)
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="it")
    html = page.content.decode()
    assert page.status_code == 200
    assert "La tua carta fedeltà" in html and 'class="qr"' in html and "<svg" in html
    assert "Misure registrate" in html  # the timeline's measurements event, in Italian
    qr = client.get("/profile/card/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and qr["Cache-Control"] == "no-store"
    card = client.get("/profile/card/")
    assert "@media print" in card.content.decode()


def test_consent_changes_are_kept_with_where_and_how(client, shopper):
    client.force_login(shopper)
    client.post("/profile/consent/", {"consent_email": "yes", "consent_sms": "no"})
    client.post("/profile/consent/", {"consent_email": "yes", "consent_sms": "no"})  # same answer: no new record
    client.post("/profile/consent/", {"consent_email": "no", "consent_sms": "no"})
    history = list(shopper.customer.consents.order_by("at", "pk").values_list("topic", "granted", "channel", "method"))
    assert history == [("email", True, "web", "profile page"), ("sms", False, "web", "profile page"),
                       ("email", False, "web", "profile page")]
    assert api(shopper).get("/api/me/").json()["consent"] == {"email": False, "sms": False}
    assert shopper.customer.touchpoints.filter(kind="consent").count() == 3


def test_the_card_is_sent_by_email(client, shopper):
    client.force_login(shopper)
    assert client.post("/profile/card/email/").status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [shopper.email]
    number = customer_loyalty_card(customer=shopper.customer)
    assert " ".join([number[:2], number[2:6], number[6:10], number[10:]]) in mail.outbox[0].body


def test_the_export_holds_everything_and_the_zip_the_files(client, shopper, products):
    customer = shopper.customer
    DesignFactory(customer=customer, template=products["insole"], name="my pair")
    measurement_set_record(customer=customer, feet=FEET)
    consent_set(customer=customer, topic="sms", granted=True, channel="store", method="tablet")
    scan = FootScan.objects.create(customer=customer, uploaded_by=shopper)
    stored = FootScanFile(scan=scan, original_name="left.ply", size_bytes=5)
    stored.file.save("left.ply", ContentFile(b"ply\n1"), save=False)
    stored.save()
    data = api(shopper).get("/api/me/export/").json()
    assert data["customer"]["loyalty_card"] == customer_loyalty_card(customer=customer)
    assert [row["name"] for row in data["records"]["configurator.Design.customer"]] == ["my pair"]
    assert len(data["records"]["customers.Measurement"]) == 12 and data["consent"]["sms"] is True
    assert any(row["kind"] == "measurements" for row in data["records"]["customers.TouchpointEvent.customer"])
    client.force_login(shopper)
    download = client.get("/profile/export/")
    assert download["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    name = f"customers/footscanfile/{stored.pk}/file/{Path(stored.file.name).name}"
    assert name in archive.namelist() and archive.read(name) == b"ply\n1"
    assert json.loads(archive.read("data.json"))["customer"]["email"] == shopper.email
    assert customer.touchpoints.filter(kind="export").count() == 2


def test_erasure_with_a_wrong_password_is_refused_and_changes_nothing(shopper):
    response = api(shopper).post("/api/me/erase/", {"password": "wrong"}, format="json")
    assert response.status_code == 400 and "password" in json.dumps(response.json()).lower()
    missing = api(shopper).post("/api/me/erase/", {}, format="json")
    assert missing.status_code == 400
    assert Customer.objects.get(pk=shopper.customer.pk).erased_at is None


def test_erasure_removes_personal_data_keeps_designs_and_orders_and_logs_it(client, shopper, products,
                                                                          django_capture_on_commit_callbacks):
    customer = shopper.customer
    design = DesignFactory(customer=customer, template=products["insole"])
    consent_set(customer=customer, topic="email", granted=True, channel="web")
    ChannelIdentity.objects.create(customer=customer, channel="phone", external_id="+393331234567")
    scan = FootScan.objects.create(customer=customer, uploaded_by=shopper)
    stored = FootScanFile(scan=scan, original_name="giulia-left.ply", size_bytes=5)
    stored.file.save("left.ply", ContentFile(b"ply\n1"), save=False)
    stored.save()
    path = stored.file.path
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the erasure is committed
        response = api(shopper).post("/api/me/erase/", {"password": PASSWORD}, format="json")
    assert response.status_code == 202
    customer.refresh_from_db()
    assert customer.erased_at and customer.anonymous_ref.startswith("anon-") and str(customer) == customer.anonymous_ref
    assert (customer.email, customer.full_name, customer.first_name, customer.last_name) == ("", "", "", "")
    assert not customer.identities.exists() and not customer.consents.exists()
    stored.refresh_from_db()
    assert not stored.file and stored.original_name == ""
    import os
    assert not os.path.exists(path)
    design.refresh_from_db()
    assert design.customer_id == customer.pk  # the design stays, with the anonymous reference
    shopper.refresh_from_db()
    assert shopper.email == "" and not shopper.is_active and not shopper.has_usable_password()
    assert not client.login(username=shopper.username, password=PASSWORD)
    event = customer.touchpoints.get(kind="erase")
    assert event.data == {"reference": customer.anonymous_ref} and event.actor is None
    assert all(item.data in ({}, event.data) for item in TouchpointEvent.objects.filter(customer=customer))


def test_erasure_from_the_profile_logs_out(client, shopper):
    client.force_login(shopper)
    wrong = client.post("/profile/erase/", {"password": "nope"}, HTTP_ACCEPT_LANGUAGE="it")
    assert wrong.status_code == 400 and "password è sbagliata" in wrong.content.decode()
    done = client.post("/profile/erase/", {"password": PASSWORD})
    assert done.status_code == 200 and client.get("/profile/").status_code == 302


def test_the_sign_up_email_confirms_the_address(client, django_capture_on_commit_callbacks):
    import re

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", {"username": "carla", "email": "Carla@Example.com",
                                          "password": "a long pass phrase 42"})
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[-1].body).group(0)
    identity = ChannelIdentity.objects.get(channel="email", external_id="carla@example.com")
    assert not identity.verified
    assert client.get(link).status_code == 200
    identity.refresh_from_db()
    assert identity.verified
    broken = client.get(link[:-3] + "x/", HTTP_ACCEPT_LANGUAGE="it")
    assert broken.status_code == 400 and "non è valido" in broken.content.decode()


def _delivered_and_open_orders(shopper, products):
    from configurator.models import Order
    from configurator.services import order_place
    from tests.configurator.helpers import built_revision

    revision = built_revision(user=shopper, product=products["insole"])
    orders = [order_place(design=revision.design, revision=revision, checkout_token=f"erase-{n}") for n in range(2)]
    address = {"delivery_name": "Giulia Bianchi", "delivery_line1": "Via Brera 3", "delivery_postcode": "20121",
               "delivery_city": "Milano", "delivery_country": "IT", "delivery_phone": "+393331234567"}
    Order.objects.filter(pk__in=[order.pk for order in orders]).update(**address)
    Order.objects.filter(pk=orders[0].pk).update(status=Order.Status.DELIVERED)
    return Order, orders


def test_erasure_waits_for_an_order_on_its_way_and_then_clears_who_and_where_on_every_order(shopper, products):
    # given a delivered order and one still placed, both with an address
    Order, (delivered, placed) = _delivered_and_open_orders(shopper, products)
    # when the customer asks for erasure: refused in words, naming the order, and nothing changed
    answer = api(shopper).post("/api/me/erase/", {"password": PASSWORD}, format="json", HTTP_ACCEPT_LANGUAGE="it")
    assert answer.status_code == 400 and f"#{placed.pk}" in answer.json()["detail"]
    assert "ancora in corso" in answer.json()["detail"]
    shopper.customer.refresh_from_db()
    assert shopper.customer.erased_at is None and Order.objects.get(pk=delivered.pk).delivery_name == "Giulia Bianchi"
    # when the open order is cancelled and they ask again
    Order.objects.filter(pk=placed.pk).update(status=Order.Status.CANCELLED)
    assert api(shopper).post("/api/me/erase/", {"password": PASSWORD}, format="json").status_code == 202
    # then no order says who or where; what was made and its price stay
    for order in Order.objects.filter(pk__in=[delivered.pk, placed.pk]):
        assert (order.delivery_name, order.delivery_line1, order.delivery_postcode, order.delivery_phone) == ("",) * 4
        assert order.price > 0 and order.revision_id
