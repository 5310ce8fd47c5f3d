"""The studio's revision request is one transaction: measurements and revision are kept together or not at all."""
import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.http import Http404

from config.exceptions import ApplicationError
from configurator.models import DesignRevision
from configurator.progress import design_progress_group
from configurator.services import revision_request_with_measurements
from configurator.services.revisions import revision_requested_announce
from customers.models import Measurement, MeasurementSet
from tests.configurator.helpers import feet_copy
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def test_a_refused_option_leaves_no_measurement_set_and_no_revision(products):
    # given a design and new typed feet
    design = DesignFactory(template=products["insole"])
    # when the request is refused for a bad option
    with pytest.raises(ApplicationError) as refused:
        revision_request_with_measurements(
            design=design, user=design.customer.user, options={"thickness_mm": 99}, measurements=feet_copy()
        )
    # then it names the option, and neither the typed feet nor a revision were kept
    assert refused.value.extra["field"] == "parameters.thickness_mm"
    assert MeasurementSet.objects.count() == 0 and Measurement.objects.count() == 0
    assert DesignRevision.objects.count() == 0


def test_an_accepted_request_keeps_the_typed_set_behind_its_revision(products):
    design = DesignFactory(template=products["insole"])
    revision = revision_request_with_measurements(
        design=design, user=design.customer.user, options={"thickness_mm": 5}, measurements=feet_copy()
    )
    assert revision.measurement_set == MeasurementSet.objects.get(customer=design.customer)


def test_someone_elses_measurement_set_is_a_404_and_changes_nothing(products, other_shopper):
    # given a set recorded by another customer
    design = DesignFactory(template=products["insole"])
    theirs = revision_request_with_measurements(
        design=DesignFactory(template=products["insole"], customer=other_shopper.customer),
        user=other_shopper, options={}, measurements=feet_copy(),
    ).measurement_set
    with pytest.raises(Http404):
        revision_request_with_measurements(
            design=design, user=design.customer.user, options={}, measurement_set_id=theirs.pk
        )
    assert not DesignRevision.objects.filter(design=design).exists()


def test_a_refused_request_through_the_api_leaves_nothing_behind(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    design_id = api_client.post("/api/designs/", {"product": "insole"}, format="json").json()["id"]
    response = api_client.post(
        f"/api/designs/{design_id}/revisions/",
        {"measurements": feet_copy(), "parameters": {"arch_support": "extreme"}}, format="json",
    )
    assert response.status_code == 400 and "arch_support" in response.json()["field"]
    assert MeasurementSet.objects.count() == 0 and DesignRevision.objects.count() == 0


@pytest.mark.parametrize("status, heard", [(DesignRevision.Status.QUEUED, [0.02]),
                                           (DesignRevision.Status.RUNNING, []),
                                           (DesignRevision.Status.DONE, [1.0])])
def test_the_request_announcement_never_moves_a_watchers_bar_back(products, status, heard):
    """The announcement goes out on commit; a worker may have started (and sent its own stages) before it."""
    design = DesignFactory(template=products["insole"])
    revision = revision_request_with_measurements(
        design=design, user=design.customer.user, options={}, measurements=feet_copy())
    DesignRevision.objects.filter(pk=revision.pk).update(status=status)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(design_progress_group(design.pk), channel)
    revision_requested_announce(design_id=design.pk, revision_id=revision.pk)

    async def heard_fractions() -> list[float]:
        fractions = []
        try:
            while True:
                fractions.append((await asyncio.wait_for(layer.receive(channel), timeout=0.5))["fraction"])
        except asyncio.TimeoutError:
            return fractions
        finally:
            await layer.group_discard(design_progress_group(design.pk), channel)

    assert async_to_sync(heard_fractions)() == heard
