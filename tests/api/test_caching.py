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
