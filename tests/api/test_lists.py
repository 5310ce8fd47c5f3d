"""Lists under /api/v1/ come in pages and take filters; the legacy /api/ lists stay plain arrays (the studio's)."""
import hashlib

import pytest
from django.utils import timezone

from configurator.models import DesignRevision
from configurator.services import revision_file_store
from customers.models import MeasurementSet
from customers.services import measurement_set_record
from tests.conftest import FEET
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def _revision(design, number: int, status: str) -> DesignRevision:
    return DesignRevision.objects.create(
        design=design, number=number, params_hash=hashlib.sha256(f"{design.pk}-{number}".encode()).hexdigest(),
        parameters={}, measurements=FEET, sides=["right"], status=status,
        finished_at=timezone.now() if status == DesignRevision.Status.DONE else None)


def test_a_v1_list_is_a_page_with_links_and_the_legacy_list_an_array(api_client, shopper, products):
    for index in range(5):
        DesignFactory(customer=shopper.customer, template=products["insole"], name=f"design {index}")
    api_client.force_authenticate(shopper)

    first = api_client.get("/api/v1/designs/?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert "/api/v1/designs/" in first["next"] and "page=2" in first["next"]
    last = api_client.get("/api/v1/designs/?page_size=2&page=3").json()
    assert len(last["results"]) == 1 and last["next"] is None
    seen = [item["id"] for page in (1, 2, 3)
            for item in api_client.get(f"/api/v1/designs/?page_size=2&page={page}").json()["results"]]
    assert len(set(seen)) == 5  # pages neither overlap nor skip

    legacy = api_client.get("/api/designs/").json()
    assert isinstance(legacy, list) and sorted(item["id"] for item in legacy) == sorted(seen)


def test_the_page_size_is_bounded_and_a_page_past_the_end_is_a_404(api_client, shopper, products):
    for _ in range(3):
        DesignFactory(customer=shopper.customer, template=products["insole"])
    api_client.force_authenticate(shopper)
    assert len(api_client.get("/api/v1/designs/?page_size=100000").json()["results"]) == 3
    assert api_client.get("/api/v1/designs/?page=9").status_code == 404


def test_designs_filter_by_product_and_name(api_client, shopper, products):
    DesignFactory(customer=shopper.customer, template=products["insole"], name="Running insole")
    DesignFactory(customer=shopper.customer, template=products["shoe"], name="Wedding shoe")
    DesignFactory(customer=shopper.customer, template=products["shoe"], name="Garden shoe")
    api_client.force_authenticate(shopper)
    shoes = api_client.get("/api/v1/designs/?product=shoe").json()["results"]
    assert sorted(item["name"] for item in shoes) == ["Garden shoe", "Wedding shoe"]
    assert [item["name"] for item in api_client.get("/api/v1/designs/?name=wedd").json()["results"]] == ["Wedding shoe"]
    legacy = api_client.get("/api/designs/?product=insole").json()  # filters hold on the legacy path too
    assert [item["name"] for item in legacy] == ["Running insole"]


def test_a_bad_filter_value_is_a_400_naming_field_value_and_choices(api_client, shopper, products):
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    api_client.force_authenticate(shopper)
    response = api_client.get(f"/api/v1/designs/{design.pk}/revisions/?status=finished")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "status" and body["value"] == "finished" and "done" in body["allowed"]
    response = api_client.get("/api/v1/designs/?updated_after=yesterday", HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 400 and response.json()["field"] == "updated_after"


def test_revisions_filter_by_status(api_client, shopper, products):
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    done = _revision(design, 1, DesignRevision.Status.DONE)
    _revision(design, 2, DesignRevision.Status.FAILED)
    api_client.force_authenticate(shopper)
    page = api_client.get(f"/api/v1/designs/{design.pk}/revisions/?status=done").json()
    assert page["count"] == 1 and page["results"][0]["id"] == done.pk


def test_measurement_sets_filter_by_source(api_client, shopper):
    typed = measurement_set_record(customer=shopper.customer, feet=FEET)
    measurement_set_record(customer=shopper.customer, feet=FEET, source=MeasurementSet.Source.STORE)
    api_client.force_authenticate(shopper)
    page = api_client.get("/api/v1/measurement-sets/?source=typed").json()
    assert [item["id"] for item in page["results"]] == [typed.pk]


def test_products_are_public_pages_and_filter_by_name(api_client, products):
    page = api_client.get("/api/v1/products/?q=sho").json()
    assert page["count"] == 1 and page["results"][0]["slug"] == "shoe"
    assert {item["slug"] for item in api_client.get("/api/products/").json()} == {"insole", "shoe"}


def test_links_inside_a_v1_answer_point_at_v1_and_legacy_at_legacy(api_client, shopper, products):
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    revision = _revision(design, 1, DesignRevision.Status.DONE)
    revision_file_store(revision=revision, side="right", name="preview.png", content=b"png")
    api_client.force_authenticate(shopper)
    v1 = api_client.get(f"/api/v1/revisions/{revision.pk}/").json()
    legacy = api_client.get(f"/api/revisions/{revision.pk}/").json()
    assert "/api/v1/revisions/" in v1["files"][0]["url"]
    assert "/api/revisions/" in legacy["files"][0]["url"] and "/v1/" not in legacy["files"][0]["url"]
    assert {**v1, "files": None} == {**legacy, "files": None}  # the same view answers both
    assert api_client.get(v1["files"][0]["url"]).status_code == 200


def test_an_unknown_version_is_a_404(api_client, products):
    assert api_client.get("/api/v2/products/").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/designs/", "/api/v1/orders/", "/api/v1/designs/{design}/revisions/"])
def test_a_list_costs_the_same_queries_for_one_item_as_for_many(api_client, shopper, products, path,
                                                                  django_assert_max_num_queries):
    """No query per item (an N+1): a shopper with a long history waits no longer than a new one."""
    from configurator.services import order_place
    from tests.configurator.order_helpers import done_revision

    def grow(count: int):
        for _ in range(count):
            revision = done_revision(customer=shopper.customer, product=products["insole"])
            order_place(design=revision.design, revision=revision, actor=shopper)
        return revision.design

    token = api_client.post("/api/auth/token/", {"username": shopper.username, "password": "correct horse battery"},
                            format="json").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    design = grow(1)
    with django_assert_max_num_queries(99) as one:
        assert api_client.get(path.format(design=design.pk)).status_code == 200
    design = grow(6)
    for number in range(2, 7):
        _revision(design, number, DesignRevision.Status.DONE)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        answer = api_client.get(path.format(design=design.pk)).json()
    assert answer["count"] >= 6
    assert len(many.captured_queries) == len(one.captured_queries)
