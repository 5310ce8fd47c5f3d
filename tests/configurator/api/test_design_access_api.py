"""Nobody sees what is not theirs: each role against someone else's design, revision and files."""
import pytest

from tests.configurator.helpers import built_revision, feet_copy

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


@pytest.mark.parametrize("role", ["production_user", "admin_user"])
def test_production_and_admin_read_any_design(request, api_client, giulias_revision, role):
    api_client.force_authenticate(request.getfixturevalue(role))
    for url in urls_of(giulias_revision):
        assert api_client.get(url).status_code == 200, url


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
