"""Nobody sees what is not theirs: each role against someone else's design, revision and files."""
import pytest

from django.utils import timezone

from configurator.models import Order
from configurator.services import order_place, order_status_set, revision_build, revision_request
from tests.configurator.helpers import built_revision, feet_copy


def built_revision_of(design, *, options: dict):
    revision = revision_request(design=design, options=options, feet=feet_copy(), side="right")
    return revision_build(revision_id=revision.pk)

pytestmark = pytest.mark.django_db


@pytest.fixture
def giulias_revision(shopper, products):
    return built_revision(user=shopper, product=products["insole"])


def urls_of(revision) -> list[str]:
    return [
        f"/api/designs/{revision.design_id}/",
        f"/api/designs/{revision.design_id}/revisions/",
        f"/api/revisions/{revision.pk}/",
        f"/api/revisions/{revision.pk}/files/right/insole.3mf",
        f"/api/revisions/{revision.pk}/files/right/preview.png",
    ]


def test_owner_reads_design_revision_and_downloads_files(api_client, shopper, giulias_revision):
    api_client.force_authenticate(shopper)
    for url in urls_of(giulias_revision):
        assert api_client.get(url).status_code == 200, url
    download = api_client.get(f"/api/revisions/{giulias_revision.pk}/files/right/insole.3mf")
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:2] == b"PK"  # 3MF is a zip


@pytest.mark.parametrize("role", ["other_shopper", "store_user"])
def test_other_shopper_and_unchecked_store_staff_get_404_everywhere(request, api_client, giulias_revision, role):
    api_client.force_authenticate(request.getfixturevalue(role))
    for url in urls_of(giulias_revision):
        assert api_client.get(url).status_code == 404, url
    changed = api_client.patch(f"/api/designs/{giulias_revision.design_id}/", {"name": "mine now"}, format="json")
    assert changed.status_code == 404
    rebuilt = api_client.post(
        f"/api/designs/{giulias_revision.design_id}/revisions/", {"measurements": feet_copy()}, format="json"
    )
    assert rebuilt.status_code == 404
    listed = api_client.get("/api/designs/")
    assert giulias_revision.design_id not in [design["id"] for design in listed.json()]


def test_anonymous_gets_403_and_no_data(api_client, giulias_revision):
    for url in urls_of(giulias_revision):
        response = api_client.get(url)
        assert response.status_code in (401, 403), url


def test_admin_reads_any_design(api_client, admin_user, giulias_revision):
    api_client.force_authenticate(admin_user)
    for url in urls_of(giulias_revision):
        assert api_client.get(url).status_code == 200, url


def order(revision) -> Order:
    return order_place(design=revision.design, revision=revision)


def test_production_reads_only_what_was_ordered_and_not_cancelled(api_client, shopper, production_user, products,
                                                                 giulias_revision):
    api_client.force_authenticate(production_user)
    for url in urls_of(giulias_revision):  # a draft nobody ordered is the customer's business
        assert api_client.get(url).status_code == 404, url
    assert api_client.get("/api/production/queue/").json() == []
    placed = order(giulias_revision)
    for url in urls_of(giulias_revision):
        assert api_client.get(url).status_code == 200, url
    # issue 15: the print queue lists paid orders only; paying puts it there
    assert api_client.get("/api/production/queue/").json() == []
    order_status_set(order=placed, status=Order.Status.PAID, actor=production_user)
    queue = api_client.get("/api/production/queue/").json()  # one row per paid order, naming its revision
    assert [(row["id"], row["revision"]) for row in queue] == [(placed.pk, giulias_revision.pk)]
    # another, unordered revision of the same design stays hidden, also in the design's own list
    draft = built_revision_of(giulias_revision.design, options={"cushioning": "ribs"})
    assert api_client.get(f"/api/revisions/{draft.pk}/").status_code == 404
    listed = api_client.get(f"/api/designs/{giulias_revision.design_id}/").json()["revisions"]
    assert [revision["id"] for revision in listed] == [giulias_revision.pk]
    refused = api_client.post("/api/production/exports/", {"revision_ids": [draft.pk]}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "revision_ids"
    # the owner hiding the design does not hide an order still to make; a cancelled order does
    giulias_revision.design.deleted_at = timezone.now()
    giulias_revision.design.save()
    assert api_client.get(f"/api/revisions/{giulias_revision.pk}/").status_code == 200
    Order.objects.filter(pk=placed.pk).update(status=Order.Status.CANCELLED)
    for url in urls_of(giulias_revision):
        assert api_client.get(url).status_code == 404, url
    assert api_client.get("/api/production/queue/").json() == []


def test_production_cannot_change_a_customers_design(api_client, production_user, giulias_revision):
    api_client.force_authenticate(production_user)
    response = api_client.patch(f"/api/designs/{giulias_revision.design_id}/", {"name": "x"}, format="json")
    assert response.status_code == 404
    giulias_revision.design.refresh_from_db()
    assert giulias_revision.design.name != "x"


def test_other_shoppers_measurement_set_is_404(api_client, shopper, other_shopper, giulias_revision):
    api_client.force_authenticate(other_shopper)
    response = api_client.get(f"/api/measurement-sets/{giulias_revision.measurement_set_id}/")
    assert response.status_code == 404
    design = api_client.post("/api/designs/", {"product": "insole"}, format="json").json()
    stolen = api_client.post(
        f"/api/designs/{design['id']}/revisions/",
        {"measurement_set": giulias_revision.measurement_set_id},
        format="json",
    )
    assert stolen.status_code == 404
