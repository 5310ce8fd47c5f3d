import io
import zipfile

import pytest
import trimesh

from configurator.services import order_place, order_status_set
from production.models import PrintExport
from tests.configurator.helpers import built_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_revisions(shopper, other_shopper, products):
    """Two customers' ordered and paid revisions: what production makes."""
    revisions = [
        built_revision(user=shopper, product=products["insole"]),
        built_revision(user=other_shopper, product=products["insole"], options={"thickness_mm": 6}),
    ]
    for revision in revisions:
        order_status_set(order=order_place(design=revision.design, revision=revision), status="paid", actor=None)
    return revisions


@pytest.mark.parametrize("role", ["shopper", "store_user"])
def test_shopper_and_store_staff_cannot_export(request, api_client, two_revisions, role):
    api_client.force_authenticate(request.getfixturevalue(role))
    ids = [revision.pk for revision in two_revisions]
    assert api_client.post("/api/production/exports/", {"revision_ids": ids}, format="json").status_code == 403
    assert api_client.get("/api/production/queue/").status_code == 403
    assert PrintExport.objects.count() == 0


def test_production_downloads_chosen_revisions_as_one_zip(api_client, production_user, two_revisions):
    api_client.force_authenticate(production_user)
    ids = [revision.pk for revision in two_revisions]
    queue = api_client.get("/api/production/queue/").json()
    assert {row["revision"] for row in queue} >= set(ids)

    response = api_client.post("/api/production/exports/", {"revision_ids": ids}, format="json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "job_sheet.csv" in names and "manifest.json" in names
    three_mfs = [name for name in names if name.endswith(".3mf")]
    assert len(three_mfs) == 2 and len([name for name in names if name.endswith(".stl")]) == 2
    for name in three_mfs:
        mesh = trimesh.load(io.BytesIO(archive.read(name)), file_type="3mf", force="mesh")
        assert mesh.is_watertight
    sheet = archive.read("job_sheet.csv").decode()
    assert all(str(revision.pk) in sheet for revision in two_revisions)
    export = PrintExport.objects.get()
    assert export.exported_by == production_user and set(export.revisions.all()) == set(two_revisions)


def test_admin_can_export(api_client, admin_user, two_revisions):
    api_client.force_authenticate(admin_user)
    response = api_client.post("/api/production/exports/", {"revision_ids": [two_revisions[0].pk]}, format="json")
    assert response.status_code == 200


def test_export_of_unfinished_or_unknown_revision_is_400_naming_them(api_client, production_user, two_revisions):
    api_client.force_authenticate(production_user)
    response = api_client.post("/api/production/exports/", {"revision_ids": [two_revisions[0].pk, 999999]}, format="json")
    assert response.status_code == 400
    assert response.json()["value"] == [999999]
    assert api_client.post("/api/production/exports/", {"revision_ids": []}, format="json").status_code == 400
