"""Public product answers carry an ETag and a 304 for a client that has them; the model is cached where every
machine finds it (the shared cache), not on one machine's disk."""
import pytest
from django.core.cache import cache

from configurator.services import product_model_glb, product_models_warm
from configurator.services.designs import product_model_cache_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/products/", "/api/v1/products/insole/", "/api/products/insole/"])
def test_product_answers_are_public_with_an_etag_and_a_304(api_client, products, path):
    first = api_client.get(path)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert "public" in first["Cache-Control"] and "Accept-Language" in first["Vary"]
    again = api_client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert api_client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_product_model_is_a_304_when_unchanged_and_leaves_nothing_on_this_machines_disk(
        api_client, products, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    cache.clear()
    first = api_client.get("/api/v1/products/insole/model.glb")
    assert first.status_code == 200 and first.content[:4] == b"glTF"
    assert api_client.get("/api/v1/products/insole/model.glb", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert list(tmp_path.iterdir()) == []  # a second machine would have missed a file here
    assert product_model_glb(product=products["insole"]) == first.content


def test_a_starting_web_process_puts_every_products_model_in_the_shared_cache(api_client, products):
    cache.clear()
    product_models_warm()  # config/asgi.py, in a thread, when the web process has a geometry child
    for product in products.values():
        assert cache.get(product_model_cache_key(product.generator_key))[:4] == b"glTF"
        assert api_client.get(f"/api/v1/products/{product.slug}/model.glb").content == cache.get(
            product_model_cache_key(product.generator_key))


def test_an_unknown_api_address_is_a_json_404_and_a_page_keeps_html(api_client, client):
    response = api_client.get("/api/v1/designs/not-a-number/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert client.get("/no-such-page/").status_code == 404
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


def test_a_catalogue_read_is_answered_from_the_shared_cache_without_the_database(
        api_client, products, django_assert_num_queries):
    first = api_client.get("/api/v1/products/")
    with django_assert_num_queries(0):  # anonymous: no token to look up either
        again = api_client.get("/api/v1/products/")
        not_modified = api_client.get("/api/v1/products/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"] and again["Vary"] == first["Vary"]
    assert not_modified.status_code == 304 and not_modified["ETag"] == first["ETag"]
    assert "public" in not_modified["Cache-Control"]


@pytest.mark.parametrize("change", ["rename", "delete"])
def test_a_changed_product_shows_at_once(api_client, products, change):
    before = api_client.get("/api/v1/products/").json()["results"]
    assert api_client.get("/api/v1/products/shoe/").json()["name"] == "Shoe"
    if change == "rename":
        products["shoe"].name = "Sandal"
        products["shoe"].save()
    else:
        products["shoe"].delete()
    after = api_client.get("/api/v1/products/").json()["results"]
    assert {item["slug"]: item["name"] for item in before} == {"insole": "Insole", "shoe": "Shoe"}
    assert {item["slug"]: item["name"] for item in after} == (
        {"insole": "Insole", "shoe": "Sandal"} if change == "rename" else {"insole": "Insole"})
    detail = api_client.get("/api/v1/products/shoe/")
    assert (detail.status_code, detail.json().get("name")) == ((200, "Sandal") if change == "rename" else (404, None))


def test_each_language_keeps_its_own_answer(api_client, products):
    english = api_client.get("/api/v1/products/insole/", HTTP_ACCEPT_LANGUAGE="en")
    italian = api_client.get("/api/v1/products/insole/", HTTP_ACCEPT_LANGUAGE="it")
    assert italian["Content-Language"] == "it" and english["Content-Language"] == "en"
    labels = {language: {option["name"]: option["label"] for option in answer.json()["options"]}
              for language, answer in (("en", english), ("it", italian))}
    assert labels["en"]["toe_allowance_mm"] == "Toe room" and labels["it"]["toe_allowance_mm"] == "Spazio per le dita"
    assert api_client.get("/api/v1/products/insole/", HTTP_ACCEPT_LANGUAGE="en").content == english.content
    assert api_client.get("/api/v1/products/insole/", HTTP_ACCEPT_LANGUAGE="it").content == italian.content


def test_a_bad_token_is_refused_though_the_answer_is_kept(api_client, products):
    assert api_client.get("/api/v1/products/").status_code == 200
    refused = api_client.get("/api/v1/products/", HTTP_AUTHORIZATION="Token not-a-token")
    assert refused.status_code == 403 and "results" not in refused.json()  # as before it was kept


def test_the_browsable_page_shows_each_user_their_own_name(client, products, shopper, other_shopper):
    for user in (shopper, other_shopper):
        client.force_login(user)
        page = client.get("/api/v1/products/", HTTP_ACCEPT="text/html").content.decode()
        assert user.username in page
    assert shopper.username not in page


def test_a_filtered_list_is_computed_each_time(api_client, products):
    assert [item["slug"] for item in api_client.get("/api/v1/products/?q=sho").json()["results"]] == ["shoe"]
    assert [item["slug"] for item in api_client.get("/api/v1/products/?q=ins").json()["results"]] == ["insole"]
