import pytest

from configurator.views import SITE_ICON

pytestmark = pytest.mark.django_db


def test_home_lists_products_in_english_and_italian(client, products):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    italian = client.get("/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Design yours" in english and products["shoe"].name in english
    assert "Crea il tuo" in italian and 'lang="it"' in italian


def test_configure_page_needs_login_and_hands_the_studio_translated_options(client, shopper, products):
    assert client.get("/configure/insole/").status_code == 302
    client.force_login(shopper)
    response = client.get("/configure/shoe/", HTTP_ACCEPT_LANGUAGE="it")
    studio = response.context["studio"]
    options = {option["name"]: option for option in studio["options"]}
    assert options["toe_allowance_mm"]["label"] == "Spazio per le dita" and options["toe_allowance_mm"]["group"] == "fit"
    assert options["upper_color"]["live"] and options["upper_color"]["parts"] == ["upper"]
    assert not options["toe_shape"]["live"]
    assert {"value": "lattice", "label": "Reticolo"} in options["midsole"]["choices"]
    assert studio["product"]["parts"] == ["upper", "midsole", "outsole"]
    assert 'id="studio-data"' in response.content.decode()
    model = client.get(studio["product"]["default_model_url"])
    assert model.status_code == 200 and model.content[:4] == b"glTF"


def test_someone_elses_design_page_is_404(client, other_shopper, shopper, products):
    from tests.factories import DesignFactory

    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    client.force_login(other_shopper)
    assert client.get(f"/designs/{design.pk}/").status_code == 404
    assert client.get(f"/configure/insole/?design={design.pk}").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("shopper", 403), ("store_user", 403), ("production_user", 200)])
def test_print_queue_page_is_for_production(request, client, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/production/").status_code == status


def test_italian_studio_keeps_numbers_machine_readable(client, shopper, products):
    # Numbers travel as JSON numbers: an Italian "273,5" would be a string the API refuses.
    import json

    from customers.services import measurement_set_record

    measurement_set_record(customer=shopper.customer, feet={"left": {
        "length_mm": 273.5, "ball_width_mm": 101, "ball_girth_mm": 253, "instep_girth_mm": 258,
        "heel_width_mm": 70, "arch_height_mm": 18}})
    client.force_login(shopper)
    page = client.get("/configure/insole/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    blob = page.split('<script id="studio-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    studio = json.loads(blob)
    assert studio["feet"]["left"]["length_mm"] == 273.5
    assert next(o for o in studio["options"] if o["name"] == "thickness_mm")["value"] == 4.0
    assert studio["measurement_sets"][0]["size"]["sizes"]["eu"]["label"]


def test_a_browser_asking_for_favicon_ico_gets_the_icon_every_page_links(client, products, settings):
    home = client.get("/").content.decode()
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and f'<link rel="icon" href="{answer["Location"]}"' in home
    assert (settings.BASE_DIR / "static" / SITE_ICON).is_file()
