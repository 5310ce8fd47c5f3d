import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_products_in_english_and_italian(client, products):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    italian = client.get("/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Design yours" in english and products["shoe"].name in english
    assert "Crea il tuo" in italian and 'lang="it"' in italian


def test_configure_page_needs_login_and_shows_the_form(client, shopper, products):
    assert client.get("/configure/insole/").status_code == 302
    client.force_login(shopper)
    page = client.get("/configure/insole/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert 'name="measurements.left.length_mm"' in page and 'name="parameters.thickness_mm"' in page
    assert "Genera" in page


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


def test_italian_form_keeps_numbers_machine_readable(client, shopper, products):
    # Number inputs only accept "273.5"; an Italian "273,5" would silently empty the field.
    from customers.services import measurement_set_record

    measurement_set_record(customer=shopper.customer, feet={"left": {
        "length_mm": 273.5, "ball_width_mm": 101, "ball_girth_mm": 253, "instep_girth_mm": 258,
        "heel_width_mm": 70, "arch_height_mm": 18}})
    client.force_login(shopper)
    page = client.get("/configure/insole/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert 'value="273.5"' in page and 'value="101"' in page
    assert 'value="273,5"' not in page
    assert 'name="parameters.thickness_mm" data-type="number"' in page and 'value="4.0"' in page
