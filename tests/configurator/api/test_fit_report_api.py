"""Every revision carries a fit check on the customer's foot, its heat map and the placed foot, in their language."""
import io

import pytest
import trimesh
from PIL import Image

from tests.configurator.helpers import built_revision

pytestmark = pytest.mark.django_db


def test_a_short_toe_room_is_reported_tight_with_a_heat_map_in_italian(api_client, shopper, products):
    revision = built_revision(user=shopper, product=products["shoe"], options={"toe_allowance_mm": 5, "midsole": "solid"})
    api_client.force_authenticate(shopper)
    english = api_client.get(f"/api/revisions/{revision.pk}/").json()
    fit = english["report"]["sides"]["right"]["fit"]
    assert fit["verdict"] in ("tight", "tight_and_loose") and fit["regions"]["toe"]["status"] == "tight"
    assert fit["foot_source"] == "avatar"
    toe = next(message for message in fit["messages"] if message["code"] == "toe_tight")
    assert toe["text"].startswith("Tight at the toes")
    italian = api_client.get(f"/api/revisions/{revision.pk}/", HTTP_ACCEPT_LANGUAGE="it").json()
    toe_it = next(m for m in italian["report"]["sides"]["right"]["fit"]["messages"] if m["code"] == "toe_tight")
    assert toe_it["text"].startswith("Stretta sulle dita") and "," in toe_it["text"].split("mm")[0]
    revision.refresh_from_db()  # the stored report stays in English; only the answer is translated
    assert any(m["text"].startswith("Tight at the toes") for m in revision.report["sides"]["right"]["fit"]["messages"])

    heat = api_client.get(f"/api/revisions/{revision.pk}/files/right/fit.png")
    image = Image.open(io.BytesIO(b"".join(heat.streaming_content)))
    assert image.size[0] >= 400
    foot = api_client.get(f"/api/revisions/{revision.pk}/files/right/foot.glb")
    scene = trimesh.load(io.BytesIO(b"".join(foot.streaming_content)), file_type="glb")
    shoe = api_client.get(f"/api/revisions/{revision.pk}/files/right/shoe.glb")
    shoe_scene = trimesh.load(io.BytesIO(b"".join(shoe.streaming_content)), file_type="glb")
    # the foot sits inside the shoe: its heel-to-toe extent lies within the shoe's
    assert shoe_scene.bounds[0][0] <= scene.bounds[0][0] and scene.bounds[1][0] <= shoe_scene.bounds[1][0]


def test_a_roomy_shoe_fits(api_client, shopper, products):
    revision = built_revision(user=shopper, product=products["shoe"], options={"midsole": "solid"})
    assert revision.report["sides"]["right"]["fit"]["verdict"] == "fits"
