"""Idempotency-Key on POST: once per user and key; a repeat is answered the same, another request with the key a 422."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from configurator.models import Design
from customers.models import FootScan
from platform_api.models import IdempotencyKey
from platform_api.services import idempotency_keys_purge
from tests.customers.test_scan_api import upload
from tests.datafiles import MESHES_DIR

pytestmark = pytest.mark.django_db


def _post(client, path: str, body: dict, key: str | None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(path, body, format=extra.pop("format", "json"), **headers, **extra)


def test_the_same_key_and_body_twice_creates_one_design_and_answers_the_same(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    first = _post(api_client, "/api/v1/designs/", {"product": "insole", "name": "Trail"}, "key-1")
    again = _post(api_client, "/api/v1/designs/", {"product": "insole", "name": "Trail"}, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Design.objects.filter(customer=shopper.customer).count() == 1
    # the legacy path is the same request: its repeat is replayed too
    assert _post(api_client, "/api/designs/", {"product": "insole", "name": "Trail"}, "key-1").json() == first.json()
    assert Design.objects.filter(customer=shopper.customer).count() == 1


def test_without_a_key_each_post_creates(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    for _ in range(2):
        assert _post(api_client, "/api/v1/designs/", {"product": "insole"}, None).status_code == 201
    assert Design.objects.filter(customer=shopper.customer).count() == 2


def test_the_same_key_with_another_body_is_a_422_that_says_so(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    assert _post(api_client, "/api/v1/designs/", {"product": "insole", "name": "A"}, "key-2").status_code == 201
    refused = _post(api_client, "/api/v1/designs/", {"product": "insole", "name": "B"}, "key-2")
    assert refused.status_code == 422
    body = refused.json()
    assert body["field"] == "Idempotency-Key" and body["value"] == "key-2" and "another request" in body["detail"]
    italian = _post(api_client, "/api/v1/designs/", {"product": "shoe"}, "key-2", HTTP_ACCEPT_LANGUAGE="it")
    assert italian.status_code == 422 and "richiesta" in italian.json()["detail"]
    # another endpoint with the key is another request too
    assert _post(api_client, "/api/v1/measurement-sets/", {"measurements": {}}, "key-2").status_code == 422
    assert Design.objects.filter(customer=shopper.customer).count() == 1


def test_keys_are_per_user(api_client, shopper, other_shopper, products):
    for user in (shopper, other_shopper):
        client = APIClient()
        client.force_authenticate(user)
        assert _post(client, "/api/v1/designs/", {"product": "insole"}, "shared-key").status_code == 201
    assert Design.objects.filter(customer__user__in=[shopper, other_shopper]).count() == 2


def test_a_refused_request_does_not_use_up_its_key(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    assert _post(api_client, "/api/v1/designs/", {"product": "no-such-product"}, "key-3").status_code == 404
    assert _post(api_client, "/api/v1/designs/", {"product": "insole"}, "key-3").status_code == 201


def test_a_validation_answer_is_replayed_as_it_was(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    design = _post(api_client, "/api/v1/designs/", {"product": "insole"}, None).json()
    body = {"measurements": {"right": {"length_mm": 10}}, "side": "right"}
    first = _post(api_client, f"/api/v1/designs/{design['id']}/revisions/", body, "key-4")
    again = _post(api_client, f"/api/v1/designs/{design['id']}/revisions/", body, "key-4")
    assert first.status_code == again.status_code and first.status_code < 500
    assert first.json() == again.json()


def test_an_expired_key_can_be_used_again(api_client, shopper, products, settings):
    api_client.force_authenticate(shopper)
    _post(api_client, "/api/v1/designs/", {"product": "insole", "name": "old"}, "key-5")
    IdempotencyKey.objects.filter(key="key-5").update(expires_at=timezone.now() - timedelta(seconds=1))
    again = _post(api_client, "/api/v1/designs/", {"product": "insole", "name": "new"}, "key-5")
    assert again.status_code == 201 and again.json()["name"] == "new"
    assert IdempotencyKey.objects.get(key="key-5").expires_at > timezone.now() + timedelta(hours=23)


def test_the_purge_deletes_only_expired_keys(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    for key in ("keep", "drop"):
        _post(api_client, "/api/v1/designs/", {"product": "insole"}, key)
    IdempotencyKey.objects.filter(key="drop").update(expires_at=timezone.now() - timedelta(minutes=1))
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["keep"]


@pytest.mark.parametrize("key", ["", " " * 3, "x" * 256, "caffè"])
def test_a_malformed_key_is_a_400_naming_the_header(api_client, shopper, products, key):
    api_client.force_authenticate(shopper)
    response = _post(api_client, "/api/v1/designs/", {"product": "insole"}, key)
    assert response.status_code == 400 and response.json()["field"] == "Idempotency-Key"
    assert not Design.objects.exists()


def test_a_scan_upload_is_keyed_by_its_files_content(api_client, shopper):
    api_client.force_authenticate(shopper)
    content = (MESHES_DIR / "foot3d_0044_scan.ply").read_bytes()
    first = _post(api_client, "/api/v1/scans/", {"files": [upload("foot.ply", content)]}, "scan-1", format="multipart")
    again = _post(api_client, "/api/v1/scans/", {"files": [upload("foot.ply", content)]}, "scan-1", format="multipart")
    assert first.status_code == again.status_code == 202 and again.json() == first.json()
    assert FootScan.objects.filter(customer=shopper.customer).count() == 1
    changed = content.replace(b"\n", b" \n", 1)  # another file under the same name
    other = _post(api_client, "/api/v1/scans/", {"files": [upload("foot.ply", changed)]}, "scan-1", format="multipart")
    assert other.status_code == 422
    assert FootScan.objects.filter(customer=shopper.customer).count() == 1


def test_an_order_is_placed_once_per_key(api_client, shopper, products):
    import hashlib

    from configurator.models import DesignRevision, Order
    from configurator.services import revision_file_store
    from tests.conftest import FEET
    from tests.factories import DesignFactory

    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    revision = DesignRevision.objects.create(
        design=design, number=1, params_hash=hashlib.sha256(b"order").hexdigest(), parameters={}, measurements=FEET,
        sides=["right"], status=DesignRevision.Status.DONE, finished_at=timezone.now())
    revision_file_store(revision=revision, side="right", name="insole.3mf", content=b"3mf")
    api_client.force_authenticate(shopper)
    body = {"design": design.pk, "revision": revision.pk}
    answers = [_post(api_client, "/api/v1/orders/", body, "order-1") for _ in range(2)]
    assert answers[0].status_code == answers[1].status_code == 201, answers[0].json()
    assert answers[0].json() == answers[1].json() and Order.objects.filter(design=design).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (CI has it)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_once(shopper, products):
    threads, answers, start = [], [], threading.Barrier(6)

    def send() -> None:
        client = APIClient()
        client.force_authenticate(shopper)
        start.wait()
        try:
            answers.append(_post(client, "/api/v1/designs/", {"product": "insole", "name": "race"}, "race-key"))
        finally:
            connection.close()

    for _ in range(6):
        threads.append(threading.Thread(target=send))
        threads[-1].start()
    for thread in threads:
        thread.join(60)
    assert [answer.status_code for answer in answers] == [201] * 6
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert sum(answer.has_header("Idempotent-Replayed") for answer in answers) == 5
    assert Design.objects.filter(customer=shopper.customer).count() == 1


def test_the_hourly_purge_task_changes_nothing_the_second_time(api_client, shopper, products):
    from platform_api.tasks import idempotency_keys_purge_task

    api_client.force_authenticate(shopper)
    _post(api_client, "/api/v1/designs/", {"product": "insole"}, "old")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    idempotency_keys_purge_task()
    idempotency_keys_purge_task()
    assert not IdempotencyKey.objects.exists()
