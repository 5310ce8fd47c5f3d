"""A revision built in the app from a scan's measurement set is shaped by the scanned foot and fits it."""
import io

import pytest
import trimesh
from django.core.files.uploadedfile import SimpleUploadedFile

from configurator.models import DesignRevision
from configurator.services import revision_build, revision_request
from customers.selectors import measurement_set_feet
from customers.services import scan_process, scan_upload
from tests.datafiles import FIND_0015A
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def scanned_set(user):
    """The FIND 0015-A foot uploaded and processed as a shopper's scan: its measurement set and side."""
    foot_scan = scan_upload(customer=user.customer, uploaded_by=user,
                            files=[SimpleUploadedFile("foot.ply", FIND_0015A.read_bytes())])
    measurement_set = scan_process(scan_id=foot_scan.pk).measurement_set
    feet = measurement_set_feet(measurement_set=measurement_set)
    return measurement_set, feet, next(iter(feet))


@pytest.mark.parametrize("product_key", ["shoe", "insole"])
def test_a_revision_built_from_a_scan_fits_the_scan(shopper, products, product_key):
    # given a shopper's scanned foot and a design built from that scan's measurement set, default options
    measurement_set, feet, side = scanned_set(shopper)
    design = DesignFactory(customer=shopper.customer, template=products[product_key])
    revision = revision_request(design=design, options={}, feet=feet, side=side, measurement_set=measurement_set)
    # when it is built
    built = revision_build(revision_id=revision.pk)
    # then it was shaped by the scan and fits it, every region ok
    assert built.status == DesignRevision.Status.DONE, built.failure_reason
    fit = built.report["sides"][side]["fit"]
    assert fit["foot_source"] == "scan" and fit["shaped_by_scan"] is True
    assert fit["verdict"] == "fits", fit["regions"]
    assert {region["status"] for region in fit["regions"].values()} == {"ok"}
    # and its print file is one watertight solid per part
    with built.files.get(side=side, name=f"{product_key}.3mf").file.open("rb") as handle:
        scene = trimesh.load(io.BytesIO(handle.read()), file_type="3mf")
    meshes = scene.geometry.values() if isinstance(scene, trimesh.Scene) else [scene]
    assert all(mesh.is_watertight for mesh in meshes)


def test_the_same_values_typed_build_the_parametric_product(shopper, products):
    # given the scan's values typed into a new set of their own (no scan behind it)
    _, feet, side = scanned_set(shopper)
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    revision = revision_request(design=design, options={}, feet=feet, side=side)
    # when built, the product comes from the six numbers and is checked on their avatar
    fit = revision_build(revision_id=revision.pk).report["sides"][side]["fit"]
    assert fit["foot_source"] == "avatar" and fit["shaped_by_scan"] is False
