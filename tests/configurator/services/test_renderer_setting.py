"""The preview renderer is a Django setting the build passes to the geometry library (which reads no environment)."""
import pytest

from configurator.models import DesignRevision
from tests.configurator.helpers import built_revision

pytestmark = pytest.mark.django_db


def test_the_build_renders_with_the_configured_renderer(shopper, products, settings):
    # given a renderer the library does not have
    settings.SARTORIA_RENDERER = "vulkan"
    # when a revision is built, then the library was asked for it, and refused it by name
    revision = built_revision(user=shopper, product=products["insole"])
    assert revision.status == DesignRevision.Status.FAILED and "vulkan" in revision.failure_reason


def test_pillow_from_the_settings_builds_the_previews(shopper, products, settings):
    settings.SARTORIA_RENDERER = "pillow"
    revision = built_revision(user=shopper, product=products["insole"])
    assert revision.status == DesignRevision.Status.DONE
    assert revision.files.filter(name="preview.png").exists()
