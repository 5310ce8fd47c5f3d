import io

import pytest
import trimesh

from configurator.models import DesignRevision, RevisionFile
from configurator.services import revision_build, revision_request
from tests.conftest import FEET
from tests.configurator.helpers import built_revision
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def test_build_stores_every_file_and_a_report(shopper, products):
    revision = built_revision(user=shopper, product=products["insole"], options={"toe_allowance_mm": 6}, side="both")
    assert revision.status == DesignRevision.Status.DONE
    kinds = {(item.side, item.kind) for item in revision.files.all()}
    assert kinds == {(side, kind) for side in ("left", "right") for kind in ("3mf", "stl", "glb", "png")}
    assert {item.name for item in revision.files.all()} >= {"insole.3mf", "insole.stl", "insole.glb", "preview.png"}
    for side in ("left", "right"):
        with revision.files.get(side=side, name="insole.3mf").file.open("rb") as handle:
            mesh = trimesh.load(io.BytesIO(handle.read()), file_type="3mf", force="mesh")
        assert mesh.is_watertight
        assert mesh.extents[0] == pytest.approx(FEET[side]["length_mm"] + 6, abs=1.0)
        assert revision.report["sides"][side]["watertight"] is True
    assert revision.report["build_seconds"] > 0


def test_second_run_of_a_done_build_changes_nothing(shopper, products):
    revision = built_revision(user=shopper, product=products["insole"])
    files_before = list(RevisionFile.objects.values_list("pk", "sha256", "file"))
    again = revision_build(revision_id=revision.pk)
    assert again.attempts == revision.attempts == 1
    assert list(RevisionFile.objects.values_list("pk", "sha256", "file")) == files_before


def test_rebuild_after_a_crash_replaces_files_instead_of_duplicating(shopper, products):
    revision = built_revision(user=shopper, product=products["insole"])
    # A worker died after storing files but before marking the revision done: the message comes back.
    DesignRevision.objects.filter(pk=revision.pk).update(status=DesignRevision.Status.RUNNING)
    rebuilt = revision_build(revision_id=revision.pk)
    assert rebuilt.status == DesignRevision.Status.DONE
    assert rebuilt.files.count() == revision.files.count()
    assert rebuilt.files.values("side", "name").distinct().count() == rebuilt.files.count()
    assert rebuilt.attempts == 2


def test_geometry_refusal_fails_the_revision_with_a_reason(shopper, products):
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    revision = revision_request(design=design, options={}, feet=FEET, side="right")
    # Stored options that the geometry no longer accepts (e.g. a range tightened since): a reason, not a crash.
    DesignRevision.objects.filter(pk=revision.pk).update(parameters={"thickness_mm": 999})
    failed = revision_build(revision_id=revision.pk)
    assert failed.status == DesignRevision.Status.FAILED
    # the reason names the option in words and its allowed range (geometry/error_messages.py), not a field code
    assert "Thickness" in failed.failure_reason and "2 to 10 mm" in failed.failure_reason
