"""Name, duplicate, delete, share and order a design; each role only reaches what is theirs."""
import pytest

from configurator.models import Design, DesignRevision, Order
from tests.configurator.helpers import built_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def revision(shopper, products):
    return built_revision(user=shopper, product=products["insole"], options={"cushioning": "ribs"})


def test_duplicate_makes_a_second_design_with_the_same_inputs(api_client, shopper, revision):
    api_client.force_authenticate(shopper)
    copied = api_client.post(f"/api/designs/{revision.design_id}/duplicate/")
    assert copied.status_code == 201
    copy = Design.objects.get(pk=copied.json()["id"])
    assert copy.pk != revision.design_id and copy.customer == revision.design.customer
    copy_revision = copy.revisions.get()
    assert copy_revision.parameters == revision.parameters and copy_revision.measurements == revision.measurements
    # the original is untouched
    assert revision.design.revisions.count() == 1


def test_delete_hides_the_design_from_its_owner_but_keeps_its_order(api_client, shopper, revision):
    api_client.force_authenticate(shopper)
    ordered = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json")
    assert ordered.status_code == 201
    assert api_client.delete(f"/api/designs/{revision.design_id}/").status_code == 204
    assert api_client.get(f"/api/designs/{revision.design_id}/").status_code == 404
    assert revision.design_id not in [item["id"] for item in api_client.get("/api/designs/").json()]
    orders = api_client.get("/api/orders/").json()
    assert [order["revision"] for order in orders] == [revision.pk]


def test_share_link_shows_the_model_read_only_to_anyone(client, api_client, shopper, revision):
    api_client.force_authenticate(shopper)
    shared = api_client.post(f"/api/designs/{revision.design_id}/share/").json()
    assert api_client.post(f"/api/designs/{revision.design_id}/share/").json()["url"] == shared["url"]
    token = shared["url"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(f"/s/{token}/")  # not logged in
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/api/shared/{token}/revisions/{revision.pk}/files/right/insole.glb" in body
    model = client.get(f"/api/shared/{token}/revisions/{revision.pk}/files/right/insole.glb")
    assert model.status_code == 200 and b"".join(model.streaming_content)[:4] == b"glTF"
    # print files are not shared, and a wrong token reveals nothing
    assert client.get(f"/api/shared/{token}/revisions/{revision.pk}/files/right/insole.3mf").status_code == 404
    assert client.get("/s/not-a-token/").status_code == 404
    assert "insole.3mf" not in body and "cushioning" not in page.context["design"].name


def test_ordering_twice_is_one_order_at_the_quoted_price(api_client, shopper, revision):
    api_client.force_authenticate(shopper)
    first = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json")
    second = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json")
    assert first.json()["id"] == second.json()["id"] and Order.objects.count() == 1
    quote = api_client.post(
        "/api/quote/", {"product": "insole", "parameters": revision.parameters, "side": "right"}, format="json"
    ).json()
    assert first.json()["price"] == quote["price"]["amount"]


def test_an_unfinished_revision_cannot_be_ordered(api_client, shopper, revision):
    DesignRevision.objects.filter(pk=revision.pk).update(status=DesignRevision.Status.QUEUED)
    api_client.force_authenticate(shopper)
    refused = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "revision"


@pytest.mark.parametrize("role", ["other_shopper", "store_user", "production_user"])
def test_nobody_else_duplicates_deletes_shares_or_orders(request, api_client, revision, role):
    api_client.force_authenticate(request.getfixturevalue(role))
    design_id = revision.design_id
    assert api_client.post(f"/api/designs/{design_id}/duplicate/").status_code == 404
    assert api_client.delete(f"/api/designs/{design_id}/").status_code == 404
    assert api_client.post(f"/api/designs/{design_id}/share/").status_code == 404
    ordered = api_client.post("/api/orders/", {"design": design_id, "revision": revision.pk}, format="json")
    assert ordered.status_code == 404
    assert Design.objects.filter(pk=design_id, deleted_at__isnull=True, share_token="").exists()
    assert Design.objects.count() == 1 and Order.objects.count() == 0


def test_production_and_admin_see_every_order(api_client, shopper, production_user, admin_user, other_shopper, revision):
    api_client.force_authenticate(shopper)
    api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json")
    for user, expected in ((production_user, 1), (admin_user, 1), (other_shopper, 0)):
        api_client.force_authenticate(user)
        assert len(api_client.get("/api/orders/").json()) == expected
