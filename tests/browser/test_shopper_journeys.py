"""
A shopper's journeys in Chromium against the running app: sign up, measure, configure in 3D, watch the build,
save, find it again; a guest who signs up; a phone; the Italian page. The 3D canvas is checked by its pixels.
"""
import base64
import io
import json
import time
import uuid

import numpy as np
import pytest
from PIL import Image

from tests.datafiles import FIND_0015A

pytestmark = pytest.mark.slow

FEET = {
    "left": {"length_mm": 262, "ball_width_mm": 98, "ball_girth_mm": 241, "instep_girth_mm": 246,
             "heel_width_mm": 64, "arch_height_mm": 17},
    "right": {"length_mm": 265, "ball_width_mm": 99, "ball_girth_mm": 243, "instep_girth_mm": 248,
              "heel_width_mm": 65, "arch_height_mm": 17},
}
BUILD_TIMEOUT_MS = 90_000


def canvas_pixels(page) -> np.ndarray:
    """What the 3D canvas shows right now, as an RGB array."""
    data_url = page.eval_on_selector("#studio-canvas", "canvas => canvas.toDataURL('image/png')")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("RGB")).astype(int)


def share_of_colour(pixels: np.ndarray, hex_colour: str, tolerance: int = 60) -> float:
    """Fraction of the canvas whose colour is near `hex_colour` (lighting darkens and brightens it)."""
    target = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    rgb = pixels.reshape(-1, 3)
    # compare hue-ish: normalise brightness so lit and shaded faces of the same colour both count
    scale = lambda a: a / np.maximum(a.sum(axis=-1, keepdims=True), 1) * 255  # noqa: E731
    return float((np.abs(scale(rgb) - scale(target)).sum(axis=1) < tolerance * 0.5).mean() * ((rgb.sum(axis=1) > 60).mean() > 0))


def wait_for_model(page, *, revision: bool = False) -> None:
    condition = ("c => c.dataset.state === 'ready'" + (" && c.dataset.revision !== ''" if revision else ""))
    page.wait_for_function(f"() => {{ const c = document.getElementById('studio-canvas'); return ({condition})(c); }}",
                           timeout=BUILD_TIMEOUT_MS)
    page.wait_for_timeout(300)  # let the frame with the new model reach the canvas


def wait_for_revision(page, revision: str) -> None:
    """Wait until the canvas shows this revision's model (one already built comes back without a build)."""
    page.wait_for_function(f"() => document.getElementById('studio-canvas').dataset.revision === '{revision}'",
                           timeout=BUILD_TIMEOUT_MS)
    wait_for_model(page, revision=True)


def wait_for_revision_where(page, option: str, value) -> str:
    """
    Wait until the canvas shows a revision built with `option` = `value`; return its id.

    Not just any new revision: a colour picked a moment before is saved as a revision of its own when the page is slow.
    """
    deadline = time.monotonic() + BUILD_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        shown = page.eval_on_selector("#studio-canvas", "c => c.dataset.state === 'ready' ? c.dataset.revision : ''")
        if shown:
            revision = page.evaluate(f"() => fetch('/api/revisions/{shown}/').then(r => r.json())")
            if revision["parameters"].get(option) == value:
                page.wait_for_timeout(300)  # let the frame with the new model reach the canvas
                return shown
        page.wait_for_timeout(250)
    raise AssertionError(f"no revision with {option}={value} was shown within {BUILD_TIMEOUT_MS} ms")


def sign_up(page, username: str, *, from_home: bool = True) -> None:
    """Sign up through the header link, from the home page or from wherever the page is."""
    if from_home:
        page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.com")
    page.fill("#id_password", "a long pass phrase 42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/profile/")


def type_feet(page) -> None:
    if not page.is_visible("#m-left-length_mm"):
        page.locator("#feet-toggle, [aria-controls='feet-fieldset'], .feet-summary").first.click()
    for side, values in FEET.items():
        for name, value in values.items():
            page.fill(f"#m-{side}-{name}", str(value))
    page.click("#generate")


def test_a_new_shopper_designs_a_shoe_and_finds_it_in_the_profile(page_factory, screenshot):
    page = page_factory()
    username = f"giulia{uuid.uuid4().hex[:6]}"
    sign_up(page, username)
    page.goto("/configure/shoe/")
    wait_for_model(page)  # the product at once, before any measurement
    first = canvas_pixels(page)
    assert share_of_colour(first, "#c8553d") > 0.03, "the default upper colour is not on the canvas"
    screenshot(page, "01-studio-first-frame")

    type_feet(page)
    page.wait_for_selector("#stage-progress:not([hidden])", timeout=BUILD_TIMEOUT_MS)
    screenshot(page, "02-studio-building")
    wait_for_model(page, revision=True)
    built_revision = page.eval_on_selector("#studio-canvas", "c => c.dataset.revision")

    # a colour shows at once, with no rebuild: the canvas turns that colour
    page.click("[data-option='upper_color'] .swatch[data-value]:not([aria-checked='true'])")
    chosen = page.get_attribute("[data-option='upper_color'] .swatch[aria-checked='true']", "data-value")
    page.wait_for_timeout(200)
    assert share_of_colour(canvas_pixels(page), chosen) > 0.03, f"{chosen} is not on the canvas"
    assert page.eval_on_selector("#studio-canvas", "c => c.dataset.revision") == built_revision

    # a geometric change builds a new revision whose model replaces the old one
    toe = page.locator("[data-option='toe_allowance_mm'] input.number-input")
    toe_before = toe.input_value()
    toe.fill("15")
    toe.press("Enter")
    rebuilt_revision = wait_for_revision_where(page, "toe_allowance_mm", 15)
    assert rebuilt_revision != built_revision
    screenshot(page, "03-studio-rebuilt")

    # undo twice (the toe room, then the colour) and redo twice: the revisions already built come back, options too
    page.click("#undo")
    page.click("#undo")
    wait_for_revision(page, built_revision)
    assert toe.input_value() == toe_before
    assert share_of_colour(canvas_pixels(page), "#c8553d") > 0.03, "undo did not bring the first colour back"
    page.click("#redo")
    page.click("#redo")
    wait_for_revision(page, rebuilt_revision)
    assert toe.input_value() == "15"

    page.fill("#design-name", "Scarpe per Milano")
    page.press("#design-name", "Enter")
    # previews and checks finish after the model is shown; then the progress bar goes away
    page.wait_for_selector("#stage-progress", state="hidden", timeout=BUILD_TIMEOUT_MS)
    # once built, share the version on screen; a stranger sees that model, and no longer once the link is withdrawn
    page.click("#share")
    link = page.input_value("#share-url")
    stranger = page_factory()
    stranger.goto(link)
    assert stranger.locator("model-viewer, canvas, .shared-model, img").count() >= 1
    models = stranger.evaluate("() => [...document.querySelectorAll('[data-model-url], a, img')].map(n => n.dataset.modelUrl || n.src || n.href)")
    assert not [url for url in models if url and ("foot.glb" in url or "fit.png" in url)], models
    screenshot(stranger, "04a-shared-link")
    page.click("#share-stop")
    page.wait_for_selector("#share-box >> text=no longer works")
    assert stranger.goto(link).status == 404

    page.goto("/profile/")
    card = page.locator(".gallery .card", has_text="Scarpe per Milano")
    card.wait_for()
    assert card.locator("img.thumb").count() == 1  # the finished revision's preview
    screenshot(page, "04b-profile")
    assert page.locator(".measurement-set").count() >= 1
    assert not page.console_errors, page.console_errors


def test_a_guest_keeps_the_design_after_signing_up(page_factory, screenshot):
    page = page_factory()
    page.goto("/")
    page.get_by_role("button", name="Start as a guest").click()
    page.goto("/configure/insole/")
    wait_for_model(page)
    type_feet(page)
    wait_for_model(page, revision=True)
    design_id = json.loads(page.evaluate("() => JSON.stringify(new URLSearchParams(location.search).get('design'))"))
    assert design_id
    sign_up(page, f"guest{uuid.uuid4().hex[:6]}", from_home=False)
    assert page.locator(f".gallery a[href*='design={design_id}']").count() == 1
    assert "insole" in page.locator(".gallery").inner_text().lower()
    screenshot(page, "05-guest-signed-up-profile")


def test_the_studio_works_on_a_phone(page_factory, screenshot):
    page = page_factory(viewport=(390, 844), mobile=True)
    sign_up(page, f"phone{uuid.uuid4().hex[:6]}")
    page.goto("/configure/shoe/")
    wait_for_model(page)
    assert share_of_colour(canvas_pixels(page), "#c8553d") > 0.02
    box = page.locator("#studio-canvas").bounding_box()
    assert box["width"] <= 390 and box["height"] >= 200, box
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways"
    screenshot(page, "06-phone-studio")
    page.locator("[data-option='toe_allowance_mm']").scroll_into_view_if_needed()
    screenshot(page, "07-phone-controls")


def test_the_italian_studio_speaks_italian_with_italian_prices(page_factory, screenshot):
    page = page_factory(locale="it-IT")
    page.goto("/")
    page.get_by_role("button", name="Inizia come ospite").click()
    page.goto("/configure/shoe/")
    wait_for_model(page)
    assert page.evaluate("() => document.documentElement.lang") == "it"
    text = page.inner_text("body")
    assert "Spazio per le dita" in text and "Intersuola" in text
    assert page.text_content("#studio-title").strip() == "Scarpa su misura"  # the product's name too
    assert page.title().startswith("Scarpa su misura")
    page.wait_for_function("() => /\\d+,\\d{2}\\s?€/.test(document.body.innerText)", timeout=15_000)
    screenshot(page, "08-studio-italian")


def test_a_shopper_uploads_a_real_scan_and_sees_size_and_fit(page_factory, screenshot):
    page = page_factory()
    sign_up(page, f"scan{uuid.uuid4().hex[:6]}")
    page.set_input_files("#scan-files", str(FIND_0015A))
    page.get_by_role("button", name="Measure my feet").click()
    page.wait_for_selector(".scan-status progress, .measurement-set", timeout=30_000)
    screenshot(page, "09-scan-processing")
    scanned = page.locator(".measurement-set", has_text="3D scan")
    scanned.wait_for(timeout=BUILD_TIMEOUT_MS)  # the page follows the worker and reloads when it is done
    text = scanned.inner_text()
    assert "Your size" in text and "EU" in text and "Toe-box height" in text
    screenshot(page, "10-profile-scan-measured")
    # the scan's foot is the one the studio fits: build the left insole and read the verdict
    page.goto("/configure/insole/")
    wait_for_model(page)
    if not page.is_visible("#generate"):
        page.click("#feet-toggle")
    page.locator(".side-control [role=radio][data-value=left]").click()  # only the left foot was scanned
    page.click("#generate")
    page.wait_for_selector("#fit-badge:not([hidden])", timeout=BUILD_TIMEOUT_MS)
    assert page.inner_text("#fit-badge").strip()
    revision_id = page.eval_on_selector("#studio-canvas", "c => c.dataset.revision")
    revision = page.evaluate(f"() => fetch('/api/revisions/{revision_id}/').then(r => r.json())")
    fit = revision["report"]["sides"]["left"]["fit"]
    assert fit["foot_source"] == "scan"  # the scanned foot, not an avatar
    assert fit["verdict"] == "fits", fit  # an insole shaped by the scan fits the scan
    # the scan's values cannot be typed over by accident: more room comes from named options
    length = page.locator("[name='measurements.left.length_mm']")
    assert length.get_attribute("readonly") is not None and page.is_visible("#scan-set-note")
    screenshot(page, "11-studio-fit-from-scan")
    page.click("#type-new-measurements")  # asked for explicitly: new typed values, the scan stays in the profile
    assert length.get_attribute("readonly") is None and not page.is_visible("#scan-set-note")
    assert page.input_value("#measurement-set") == ""
