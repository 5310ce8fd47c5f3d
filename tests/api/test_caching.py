"""Public product answers carry an ETag and a 304 for a client that has them; the model is cached where every
machine finds it (the shared cache), not on one machine's disk."""
import json

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from configurator.services import product_model_glb, product_models_warm
from configurator.services.designs import product_model_cache_key
from platform_api import kept_answers
from platform_api.pagination import ApiPagination
from tests.factories import ProductTemplateFactory
from tests.served import served

PAGE_SIZE = ApiPagination.page_size

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


ASGI = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _a_fresh_web_process():
    """Each test as a web process that has not answered yet (it learns which paths may be kept as it answers)."""
    kept_answers._keepable_paths.clear()


@ASGI
def test_a_catalogue_read_is_answered_before_django_as_django_answered_it(products):
    for path in ("/api/v1/products/", "/api/v1/products/shoe/", "/api/products/insole/model.glb"):
        taught = served(path)  # a web process's first answer for a path teaches it the path may be kept
        status, first, body, through_django = served(path)
        again = served(path)
        not_modified = served(path, if_none_match=first["etag"])
        assert through_django and not again.through_django and not not_modified.through_django
        assert taught.body == body
        assert (status, again[0], again[2]) == (200, 200, body) and body
        assert again[1] == first  # every header the middleware added, as it left Django
        assert "x-sartoria-kept" not in first and "x-content-type-options" in first
        assert first["content-language"] == "en" and "public" in first["cache-control"]
        assert not_modified[0] == 304 and not_modified[2] == b"" and not_modified[1]["etag"] == first["etag"]
        assert "content-type" not in not_modified[1] and "Accept-Language" in not_modified[1]["vary"]
        assert served(path, if_none_match='"something-else"')[2] == body


@ASGI
@pytest.mark.parametrize("change", ["rename", "delete"])
def test_a_changed_product_shows_at_once(products, change):
    before = json.loads(served("/api/v1/products/")[2])["results"]
    assert json.loads(served("/api/v1/products/shoe/")[2])["name"] == "Shoe"
    if change == "rename":
        products["shoe"].name = "Sandal"
        products["shoe"].save()
    else:
        products["shoe"].delete()
    after = json.loads(served("/api/v1/products/")[2])["results"]
    assert {item["slug"]: item["name"] for item in before} == {"insole": "Insole", "shoe": "Shoe"}
    assert {item["slug"]: item["name"] for item in after} == (
        {"insole": "Insole", "shoe": "Sandal"} if change == "rename" else {"insole": "Insole"})
    status, _headers, body, _ = served("/api/v1/products/shoe/")
    assert (status, json.loads(body).get("name")) == ((200, "Sandal") if change == "rename" else (404, None))


@ASGI
def test_each_language_keeps_its_own_answer(products):
    answers = {}
    for language, header, cookie in (("en", "en", ""), ("it", "it", ""), ("it", "en", "django_language=it")):
        for _ in range(2):  # computed, then kept
            status, headers, body, _ = served("/api/v1/products/insole/", accept_language=header, cookie=cookie)
            labels = {option["name"]: option["label"] for option in json.loads(body)["options"]}
            assert (status, headers["content-language"]) == (200, language)
            answers.setdefault(language, labels)
            assert labels == answers[language]
    assert answers["en"]["toe_allowance_mm"] == "Toe room" and answers["it"]["toe_allowance_mm"] == "Spazio per le dita"


@ASGI
def test_an_answer_is_kept_per_host_and_scheme_as_its_addresses_are(products, settings):
    """A catalogue longer than a page links its next page by an absolute address."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "shop.example"]
    for number in range(PAGE_SIZE):
        ProductTemplateFactory(slug=f"insole-{number}", name=f"Insole {number}")
    served("/api/v1/products/")  # teaches the path
    for _ in range(2):
        for host, proto in (("testserver", "http"), ("testserver", "https"), ("shop.example", "https")):
            answer = served("/api/v1/products/", host=host, x_forwarded_proto=proto)
            assert json.loads(answer.body)["next"] == f"{proto}://{host}/api/v1/products/?page=2"


@ASGI
def test_a_kept_answer_honours_a_token_only_while_django_would(products, shopper):
    token = Token.objects.create(user=shopper)
    auth = f"Token {token.key}"
    served("/api/v1/products/")  # teaches the path
    assert served("/api/v1/products/", authorization=auth).through_django  # Django accepts the token: recorded
    again = served("/api/v1/products/", authorization=auth)
    assert again.status == 200 and not again.through_django
    refused = served("/api/v1/products/", authorization="Token not-a-token")
    assert refused[0] == 403 and b"results" not in refused[2]
    other_kind = served("/api/v1/products/", authorization="Basic ZGVtbzpkZW1v")  # the API takes no Basic
    assert other_kind.status == 200 and other_kind.through_django
    token.delete()  # DELETE /api/auth/token/
    assert served("/api/v1/products/", authorization=auth)[0] == 403
    kept_again = Token.objects.create(user=shopper)
    assert [served("/api/v1/products/", authorization=f"Token {kept_again.key}")[0] for _ in range(2)] == [200, 200]
    shopper.is_active = False
    shopper.save()
    assert served("/api/v1/products/", authorization=f"Token {kept_again.key}")[0] == 403


@ASGI
def test_a_signed_in_reader_gets_the_kept_catalogue(products, shopper, client):
    client.force_login(shopper)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    served("/api/v1/products/", cookie=cookie)  # teaches the path
    first = served("/api/v1/products/", cookie=cookie)
    assert first.status == 200 and len(json.loads(first.body)["results"]) == 2
    again = served("/api/v1/products/", cookie=cookie)  # the catalogue is the same for everyone
    assert again.body == first.body and not again.through_django


@ASGI
def test_without_redis_django_answers_everything(products, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    answers = [served("/api/v1/products/") for _ in range(2)]
    assert [(answer.status, answer.through_django) for answer in answers] == [(200, True), (200, True)]
    assert answers[0].body == answers[1].body and len(json.loads(answers[0].body)["results"]) == 2


@ASGI
def test_a_browser_opening_the_address_gets_the_browsable_page_after_json_was_kept(products):
    for _ in range(3):
        assert served("/api/v1/products/", accept="application/json").headers["content-type"] == "application/json"
    page = served("/api/v1/products/", accept="text/html,application/xhtml+xml")
    assert page.headers["content-type"].startswith("text/html") and page.through_django


@ASGI
def test_a_filtered_list_is_computed_each_time(products):
    for query, slugs in (("q=sho", ["shoe"]), ("q=ins", ["insole"]), ("q=sho", ["shoe"])):
        answer = served(f"/api/v1/products/?{query}")
        assert [item["slug"] for item in json.loads(answer.body)["results"]] == slugs and answer.through_django


def test_the_browsable_page_shows_each_user_their_own_name(client, products, shopper, other_shopper):
    for user in (shopper, other_shopper):
        client.force_login(user)
        page = client.get("/api/v1/products/", HTTP_ACCEPT="text/html").content.decode()
        assert user.username in page
    assert shopper.username not in page
