"""Pictures on their own worker: the build stores the parts and waits; rendering them finishes the revision, once."""
import pytest

from configurator.models import DesignRevision
from configurator.services import revision_build, revision_previews_render, revision_request
from configurator.services.revisions import PREVIEWS_PENDING
from tests.conftest import FEET
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("product", ["insole", "shoe"])
def test_a_build_handed_to_the_previews_worker_finishes_with_its_pictures(settings, shopper, products, product):
    settings.SARTORIA_PREVIEWS_SEPARATE = True
    settings.SARTORIA_RENDERER = "pillow"
    design = DesignFactory(customer=shopper.customer, template=products[product])
    revision = revision_request(design=design, options={}, feet=FEET, side="both")

    # when the geometry worker has built it
    revision = revision_build(revision_id=revision.pk)
    # then the parts, print files and checks are stored, the pictures are not, and it still runs
    assert revision.status == DesignRevision.Status.RUNNING and revision.lease_owner == PREVIEWS_PENDING
    assert revision.files.filter(kind="stl").count() >= 2 and revision.report["sides"].keys() == {"left", "right"}
    assert not revision.files.filter(name__startswith="preview").exists()

    # when the previews worker renders them (twice: a redelivered message)
    revision = revision_previews_render(revision_id=revision.pk)
    again = revision_previews_render(revision_id=revision.pk)
    # then it is done with one set of pictures per side
    assert revision.status == DesignRevision.Status.DONE and again.status == DesignRevision.Status.DONE
    for side in ("left", "right"):
        assert revision.files.filter(side=side, name="preview.png").count() == 1
    assert not revision.lease_owner
