"""
The checkout in Chromium, as a shopper uses it: review (pictures of the feet, size, fit, labelled price lines,
delivery window), an address, payment through the test provider, the order page with its history, and cancelling;
in English on a desktop and in Italian on a phone, checked by axe-core, with screenshots to look at.
"""
import time

import pytest

from tests.browser.test_accessibility import DEMO, api_call, assert_accessible
from tests.browser.test_shopper_journeys import BUILD_TIMEOUT_MS, FEET

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_insole(live_app) -> dict:
    """A demo shopper's insole, built through the API (not ordered: the checkout orders it)."""
    token = api_call(live_app, "POST", "/api/auth/token/", {"username": DEMO[0], "password": DEMO[1]})["token"]
    design = api_call(live_app, "POST", "/api/designs/", {"product": "insole", "name": "Checkout insole"}, token=token)
    revision = api_call(live_app, "POST", f"/api/designs/{design['id']}/revisions/",
                        {"parameters": {}, "side": "both", "measurements": FEET}, token=token)
    deadline = time.monotonic() + BUILD_TIMEOUT_MS / 1000
    while revision["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(1)
        revision = api_call(live_app, "GET", f"/api/revisions/{revision['id']}/", token=token)
    assert revision["status"] == "done", revision
    return {"design": design["id"], "revision": revision["id"], "token": token}


def log_in(page) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", DEMO[0])
    page.fill("#id_password", DEMO[1])
    with page.expect_navigation():
        page.press("#id_password", "Enter")


@pytest.mark.parametrize("locale, mobile", [("en-GB", False), ("it-IT", True)])
def test_review_address_pay_and_cancel(page_factory, built_insole, screenshot, locale, mobile):
    page = page_factory(locale=locale, mobile=mobile, **({"viewport": (390, 844)} if mobile else {}))
    log_in(page)
    page.goto(f"/checkout/{built_insole['design']}/?revision={built_insole['revision']}")
    english = locale.startswith("en")
    # the review shows both feet's pictures, the fit, the size and labelled price lines in the page's language
    previews = page.locator(".checkout-foot img.preview")
    assert previews.count() == 2
    assert all(previews.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(2))
    assert page.locator(".checkout-size").is_visible()
    labels = page.locator(".order-lines tbody th").all_inner_texts()
    codes = page.locator(".order-lines tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert codes[:3] == ["base", "material", "machine_time"]
    assert labels[1].startswith("Material" if english else "Materiale") and " g" in labels[1]
    assert ("Machine time" if english else "Tempo macchina") in labels[2]
    assert_accessible(page, "checkout review", locale)
    screenshot(page, f"checkout-review-{locale}")
    # a missing city is named in the page's language, and nothing is ordered
    page.fill("#id_name", "Giulia Verdi")
    page.fill("#id_line1", "Via Dante 3")
    page.fill("#id_postcode", "20121")
    page.fill("#id_country", "IT")
    page.click(".checkout form button[type=submit]")
    error = page.locator("#id_city-error")
    assert error.is_visible() and ("City" if english else "Città") in error.inner_text()
    page.fill("#id_city", "Milano")
    with page.expect_navigation():
        page.click(".checkout form button[type=submit]")
    assert "/pay/" in page.url
    assert_accessible(page, "checkout payment", locale)
    screenshot(page, f"checkout-pay-{locale}")
    with page.expect_navigation():
        page.click(".checkout form button[type=submit]")
    # confirmation: the order page says paid, with its history, and offers to cancel
    assert page.locator(".status-badge").inner_text() == ("Paid" if english else "Pagato")
    assert page.locator(".order-history li").count() == 2
    assert_accessible(page, "order page", locale)
    screenshot(page, f"order-paid-{locale}")
    with page.expect_navigation():
        page.click("form[action$='/cancel/'] button")
    assert page.locator(".status-badge").inner_text() == ("Cancelled" if english else "Annullato")
    assert page.locator("form[action$='/cancel/']").count() == 0
    screenshot(page, f"order-cancelled-{locale}")
