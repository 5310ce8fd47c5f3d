"""The production contract: jobs list and states by API, exports only for paid orders, the dashboard per role."""
import pytest

from configurator.services import order_place
from production.models import PrintJob
from production.services import order_number, print_jobs_create_for_order
from tests.configurator.helpers import built_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(insole_order):
    return print_jobs_create_for_order(order=insole_order)


def test_jobs_list_has_state_code_plate_and_printer(api_client, production_user, jobs):
    api_client.force_authenticate(production_user)
    body = api_client.get("/api/production/jobs/").json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["code"] == jobs[0].code and row["state"] == "queued"
    assert "plate" in row and "printer" in row and row["order_number"] == order_number(jobs[0].order)
    bad = api_client.get("/api/production/jobs/?state=melted")
    assert bad.status_code == 400 and bad.json()["field"] == "state" and "queued" in bad.json()["allowed"]


def test_job_state_by_api_and_a_wrong_move_is_400_naming_it(api_client, production_user, jobs):
    api_client.force_authenticate(production_user)
    job = jobs[0]
    refused = api_client.post(f"/api/production/jobs/{job.pk}/state/", {"state": "printed"}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "state"
    PrintJob.objects.filter(pk=job.pk).update(state="planned")
    for state in ("printing", "failed"):
        response = api_client.post(f"/api/production/jobs/{job.pk}/state/", {"state": state}, format="json")
        assert response.status_code == 200 and response.json()["state"] == state
    reprint = api_client.post(f"/api/production/jobs/{job.pk}/state/", {"state": "reprint"}, format="json").json()
    assert reprint["code"] == f"{job.code}-R1" and reprint["state"] == "queued" and reprint["reprint_of"] == job.pk


@pytest.mark.parametrize("role", ["shopper", "store_user", "other_shopper"])
def test_shoppers_and_store_staff_see_neither_the_dashboard_nor_its_api(request, client, api_client, jobs, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    api_client.force_authenticate(user)
    assert client.get("/production/").status_code == 403
    assert api_client.get("/api/production/jobs/").status_code == 403
    assert api_client.post(f"/api/production/jobs/{jobs[0].pk}/state/", {"state": "printing"},
                           format="json").status_code == 403
    assert api_client.get("/api/production/plan/").status_code == 403


def test_exports_refuse_a_revision_of_an_unpaid_order_naming_it_and_why(api_client, production_user, shopper,
                                                                        products, insole_order):
    revision = built_revision(user=shopper, product=products["insole"], options={"thickness_mm": 6})
    order_place(design=revision.design, revision=revision)  # placed, not paid
    api_client.force_authenticate(production_user)
    response = api_client.post("/api/production/exports/", {"revision_ids": [revision.pk]}, format="json")
    assert response.status_code == 400
    assert str(revision.pk) in response.json()["detail"] and "paid" in response.json()["detail"]
    paid = api_client.post("/api/production/exports/", {"revision_ids": [insole_order.revision_id]}, format="json")
    assert paid.status_code == 200 and paid["Content-Type"] == "application/zip"


def test_the_dashboard_lists_paid_orders_by_number_and_name_in_both_languages(client, production_user, jobs,
                                                                             insole_order):
    insole_order.customer.full_name = "Giulia Rossi"
    insole_order.customer.save()
    client.force_login(production_user)
    page = client.get("/production/").content.decode()
    assert order_number(insole_order) in page and "Giulia Rossi" in page and "Paid" in page
    assert f"<td>#{insole_order.customer_id}</td>" not in page
    client.cookies["django_language"] = "it"
    italian = client.get("/production/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Ordini pagati" in italian and "Lavori di stampa per stato" in italian


def test_download_zip_with_nothing_ticked_is_a_message_on_the_page(client, production_user, jobs):
    client.force_login(production_user)
    response = client.post("/production/revisions/export/", {}, follow=True)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Tick at least one order" in response.content.decode()
    plates = client.post("/production/plates/export/", {}, follow=True)
    assert "Tick at least one plate" in plates.content.decode()


def test_production_opens_an_ordered_design_without_a_continue_designing_link(client, production_user, shopper,
                                                                               insole_order):
    client.force_login(production_user)
    page = client.get(f"/designs/{insole_order.design_id}/")
    assert page.status_code == 200 and "Continue designing" not in page.content.decode()
    client.force_login(insole_order.customer.user)
    assert "Continue designing" in client.get(f"/designs/{insole_order.design_id}/").content.decode()
