"""Name, duplicate, delete, share and order a design; each role only reaches what is theirs."""
import pytest

from configurator.models import Design, DesignRevision, Order
from configurator.services import revision_build, revision_request
from tests.configurator.helpers import built_revision
from tests.conftest import FEET


def built_revision_of(design, user, *, options: dict):
    """Another revision of `design`, built here (no worker)."""
    revision = revision_request(design=design, options=options, feet=FEET, side="right")
    return revision_build(revision_id=revision.pk)

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


def shared_token(api_client, design_id: int, **body) -> str:
    response = api_client.post(f"/api/designs/{design_id}/share/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["url"].rstrip("/").rsplit("/", 1)[-1]


def test_a_share_link_never_serves_the_foot_the_fit_picture_or_another_revision(client, api_client, shopper, products,
                                                                               revision):
    api_client.force_authenticate(shopper)
    token = shared_token(api_client, revision.design_id)
    names = set(revision.files.values_list("name", flat=True))
    assert {"foot.glb", "fit.png", "insole.glb", "preview.png"} <= names  # the owner's build made all of them
    body = client.get(f"/s/{token}/").content.decode()
    for name in names:
        url = f"/api/shared/{token}/revisions/{revision.pk}/files/right/{name}"
        served = client.get(url).status_code == 200
        assert served == (name.endswith(".glb") and name != "foot.glb" or name.startswith("preview")), name
        assert (url in body) == (served and (name.endswith(".glb") or name == "preview.png")), name
    # a newer revision of the same design is not on the link until the owner shares again
    newer = built_revision_of(revision.design, shopper, options={"cushioning": "honeycomb"})
    assert client.get(f"/api/shared/{token}/revisions/{newer.pk}/files/right/insole.glb").status_code == 404
    assert shared_token(api_client, revision.design_id, revision=newer.pk) == token
    assert client.get(f"/api/shared/{token}/revisions/{newer.pk}/files/right/insole.glb").status_code == 200
    assert client.get(f"/api/shared/{token}/revisions/{revision.pk}/files/right/insole.glb").status_code == 404


def test_the_owner_withdraws_a_link_and_a_new_share_makes_another(client, api_client, shopper, other_shopper, revision):
    api_client.force_authenticate(shopper)
    token = shared_token(api_client, revision.design_id)
    api_client.force_authenticate(other_shopper)
    assert api_client.delete(f"/api/designs/{revision.design_id}/share/").status_code == 404  # not theirs
    assert client.get(f"/s/{token}/").status_code == 200
    api_client.force_authenticate(shopper)
    assert api_client.delete(f"/api/designs/{revision.design_id}/share/").status_code == 204
    assert client.get(f"/s/{token}/").status_code == 404
    assert client.get(f"/api/shared/{token}/revisions/{revision.pk}/files/right/insole.glb").status_code == 404
    assert api_client.get(f"/api/designs/{revision.design_id}/").json()["share_url"] is None
    assert shared_token(api_client, revision.design_id) != token


def test_nothing_finished_cannot_be_shared(api_client, shopper, revision):
    DesignRevision.objects.filter(pk=revision.pk).update(status=DesignRevision.Status.RUNNING)
    api_client.force_authenticate(shopper)
    refused = api_client.post(f"/api/designs/{revision.design_id}/share/")
    assert refused.status_code == 400 and refused.json()["field"] == "revision"


def test_ordering_again_is_a_new_order_but_one_checkout_is_one_order(api_client, shopper, revision):
    # issue 10: a second identical pair can be ordered; a double click (same checkout token) still orders once
    api_client.force_authenticate(shopper)
    body = {"design": revision.design_id, "revision": revision.pk}
    first = api_client.post("/api/orders/", {**body, "checkout_token": "c-1"}, format="json")
    repeated = api_client.post("/api/orders/", {**body, "checkout_token": "c-1"}, format="json")
    again = api_client.post("/api/orders/", body, format="json")
    assert first.status_code == 201 and repeated.status_code == 200 and again.status_code == 201
    assert first.json()["id"] == repeated.json()["id"] != again.json()["id"] and Order.objects.count() == 2
    assert first.json()["price"] == again.json()["price"]


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
