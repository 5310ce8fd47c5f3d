"""POST /api/scans/ by store staff: only into the profile of a customer checked in at their store."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import FootScan
from customers.services import identity_attach
from tests.datafiles import MESHES_DIR
from tests.factories import CustomerFactory
from tests.stores.conftest import client_for

pytestmark = pytest.mark.django_db

CONTENT = (MESHES_DIR / "find_template_0015A.ply").read_bytes()


def post_scan(user, **who):
    files = [SimpleUploadedFile("a.ply", CONTENT, content_type="application/octet-stream")]
    return client_for(user).post("/api/scans/", {"files": files, **who}, format="multipart")


@pytest.fixture
def known_elsewhere(db):
    customer = CustomerFactory(full_name="Paola Gialli")
    identity_attach(customer=customer, channel="email", value="paola@example.it", verified=True)
    return customer


def test_a_known_customer_not_checked_in_answers_like_an_unknown_email(associate, known_elsewhere):
    known = post_scan(associate, customer_email="paola@example.it")
    unknown = post_scan(associate, customer_email="nobody@example.it")
    assert known.status_code == unknown.status_code == 404
    assert known.json() == unknown.json()
    assert not FootScan.objects.exists()


def test_a_checked_in_customer_gets_the_scan_by_email_card_or_id(associate, check_in, giulia):
    _, customer = check_in
    _, card = giulia
    identity_attach(customer=customer, channel="email", value="giulia@example.it", verified=True)
    for who in ({"customer_email": "giulia@example.it"}, {"loyalty_card": card}, {"customer": customer.pk}):
        response = post_scan(associate, **who)
        assert response.status_code == 202, (who, response.content)
        assert FootScan.objects.get(pk=response.json()["id"]).customer == customer


def test_staff_of_another_store_and_after_check_out_get_404(associate, other_store_associate, check_in):
    body, customer = check_in
    assert post_scan(other_store_associate, customer=customer.pk).status_code == 404
    client_for(associate).delete(f"/api/store/check-ins/{body['id']}/")
    assert post_scan(associate, customer=customer.pk).status_code == 404
    assert not FootScan.objects.exists()


def test_a_store_group_account_without_a_store_writes_nowhere(store_user, known_elsewhere):
    assert post_scan(store_user, customer_email="paola@example.it").status_code == 404
    assert post_scan(store_user, customer=known_elsewhere.pk).status_code == 404
