"""Rapid changes do not pile up builds: only the newest request on a design is built, nothing is lost."""
import pytest

from configurator.models import DesignRevision
from configurator.services import revision_build, revision_request
from tests.configurator.helpers import feet_copy
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def design(shopper, products):
    return DesignFactory(customer=shopper.customer, template=products["insole"])


def ask(design, thickness):
    return revision_request(design=design, options={"thickness_mm": thickness}, feet=feet_copy(), side="right")


def test_a_newer_request_skips_the_queued_one_and_asking_again_requeues_it(design):
    first = ask(design, 4.0)
    second = ask(design, 5.0)
    first.refresh_from_db()
    assert first.status == DesignRevision.Status.SUPERSEDED and second.status == DesignRevision.Status.QUEUED
    skipped = revision_build(revision_id=first.pk)
    assert skipped.status == DesignRevision.Status.SUPERSEDED and not skipped.files.exists()
    # undo: the first inputs again are the same revision, queued again; the second is now the one skipped
    again = ask(design, 4.0)
    assert again.pk == first.pk and again.status == DesignRevision.Status.QUEUED
    second.refresh_from_db()
    assert second.status == DesignRevision.Status.SUPERSEDED
    assert design.revisions.count() == 2  # every set of inputs kept, none duplicated
    built = revision_build(revision_id=again.pk)
    assert built.status == DesignRevision.Status.DONE and built.files.filter(name="insole.glb").exists()


def test_a_build_under_way_stops_when_a_newer_request_arrives(design):
    first = ask(design, 4.0)
    DesignRevision.objects.filter(pk=first.pk).update(status=DesignRevision.Status.RUNNING)  # a worker took it
    newer = ask(design, 6.0)
    stopped = revision_build(revision_id=first.pk)
    assert stopped.status == DesignRevision.Status.SUPERSEDED and not stopped.files.exists()
    assert revision_build(revision_id=newer.pk).status == DesignRevision.Status.DONE


def test_the_same_request_twice_supersedes_nothing(design):
    first = ask(design, 4.0)
    assert ask(design, 4.0).pk == first.pk
    first.refresh_from_db()
    assert first.status == DesignRevision.Status.QUEUED


@pytest.mark.parametrize("first", ["left", "right"])
def test_the_side_on_screen_gets_its_web_model_first(design, first):
    revision = revision_request(design=design, options={}, feet=feet_copy(), side="both", first_side=first)
    built = revision_build(revision_id=revision.pk, first_side=first)
    stored = list(built.files.order_by("pk").values_list("side", "name"))
    assert stored[0] == (first, "insole.glb")  # before the other side and before any print file
    other = "left" if first == "right" else "right"
    assert stored.index((other, "insole.glb")) < stored.index((first, "insole.3mf"))
