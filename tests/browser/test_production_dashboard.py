"""
Sara in production, in Chromium: paid orders become plates with their pictures and bars on the farm's timeline (one
bar per plate, on the row of the printer it is planned on), one click exports a plate with progress, and a zip.

Who may not see the dashboard (shoppers, store staff: 403 for the page and its API) is proven by
tests/production/test_production_api.py::test_shoppers_and_store_staff_see_neither_the_dashboard_nor_its_api.
"""
import io
import json
import re
import time
import zipfile

import pytest

from tests.browser.test_accessibility import api_call
from tests.browser.test_shopper_journeys import FEET

pytestmark = pytest.mark.slow

EXPORT_TIMEOUT_MS = 240_000  # a plate's 3MF, STLs and PDF on a small machine's one worker
PLAN_TIMEOUT_MS = 120_000  # footprints of the real meshes, packing and CP-SAT, in the web request

BUILD_TIMEOUT_S = 240  # a pair of shoes on the app's one worker, behind whatever other tests queued
DEMO = ("demo", "sartoria-demo")
PRODUCTION = ("production", "sartoria-production")

NAME = """
from django.contrib.auth import get_user_model
customer = get_user_model().objects.get(username="demo").customer
customer.full_name = "Giulia Demo"
customer.save()
"""

PLATES = """
import json
from production.models import Plate
print(json.dumps([{"id": plate.pk, "printer": plate.printer.name if plate.printer_id else None}
                  for plate in Plate.objects.filter(status="planned").select_related("printer")]))
"""


def paid_shoes(live_app: str) -> int:
    """A pair of shoes the demo shopper designs, builds and orders through the API; production marks it paid."""
    token = api_call(live_app, "POST", "/api/auth/token/", {"username": DEMO[0], "password": DEMO[1]})["token"]
    design = api_call(live_app, "POST", "/api/designs/", {"product": "shoe", "name": "Dashboard shoes"}, token=token)
    revision = api_call(live_app, "POST", f"/api/designs/{design['id']}/revisions/",
                        {"parameters": {}, "side": "both", "measurements": FEET}, token=token)
    deadline = time.monotonic() + BUILD_TIMEOUT_S
    while revision["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(1)  # polling the API, not an assertion
        revision = api_call(live_app, "GET", f"/api/revisions/{revision['id']}/", token=token)
    assert revision["status"] == "done", revision
    order = api_call(live_app, "POST", "/api/orders/", {"design": design["id"], "revision": revision["id"]},
                     token=token)
    maker = api_call(live_app, "POST", "/api/auth/token/", {"username": PRODUCTION[0], "password": PRODUCTION[1]})
    assert api_call(live_app, "POST", f"/api/orders/{order['id']}/pay/", {}, token=maker["token"])["status"] == "paid"
    return order["id"]


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def test_production_plans_plates_sees_them_on_the_timeline_and_exports_one_with_progress(live_app, page_factory,
                                                                                        app_shell, screenshot):
    app_shell(NAME)
    order_id = paid_shoes(live_app)
    page = page_factory(viewport=(1280, 1400))
    log_in(page, *PRODUCTION)
    page.goto("/production/")
    queue = page.locator("#queue-heading + p + form table")
    assert f"S{order_id:04d}" in queue.inner_text() and "Giulia Demo" in queue.inner_text()

    # Plan plates: the page comes back with the plan's sentence, the plates and the timeline
    # the button (the sentence above it also says "Plan plates": `text=` would click the sentence)
    with page.expect_navigation(timeout=PLAN_TIMEOUT_MS):
        page.get_by_role("button", name="Plan plates").click()
    assert "Planned" in page.locator(".messages").inner_text()
    assert re.search(r"finish in .*; no plan can finish before", page.locator("#plan-heading + p").inner_text())
    planned = last_json(app_shell(PLATES))
    assert planned and all(plate["printer"] for plate in planned)
    cards = page.locator(".plate-card")
    assert cards.count() == len(planned)
    # each plate's picture draws its parts, labelled by their traceability codes; the plan takes every paid
    # order (the demo's paid insoles too, when another journey paid them), and this order's two shoes are on it
    drawn = []
    for index in range(cards.count()):
        drawing = cards.nth(index).locator("svg")
        assert drawing.is_visible() and drawing.locator("path").count() >= 1
        codes = drawing.locator("text").all_text_contents()
        assert codes and all(re.fullmatch(r"S\d{4}-[A-Z]{2}-[LR](-R\d+)?", code) for code in codes), codes
        drawn += codes
    ours = sorted(code for code in drawn if code.startswith(f"S{order_id:04d}-"))
    assert {code.split("-")[2] for code in ours} == {"L", "R"}, drawn
    # one bar per planned plate, on its printer's row, wide enough to see
    bars = page.locator(".gantt .bar")
    assert bars.count() == len(planned)
    for plate in planned:
        row = page.locator(".gantt tr", has=page.locator("th", has_text=plate["printer"]))
        bar = row.locator(".bar", has_text=re.compile(rf"\bplate {plate['id']}\b"))
        assert bar.count() == 1, f"plate {plate['id']} is not on {plate['printer']}'s row"
        box = bar.bounding_box()
        assert box and box["width"] >= 4 and box["height"] >= 10
    screenshot(page, "production-01-plan")
    cards.first.scroll_into_view_if_needed()
    screenshot(page, "production-01-plates")

    # export the first plate: progress, then the zip with its 3MF, PDF, STLs and jobs.csv
    first = planned[0]["id"]
    page.check(f".plate-card input[name=plate_ids][value='{first}']")
    with page.expect_navigation():
        page.get_by_role("button", name="Export the ticked plates").click()
    progress = page.locator(".export-progress [role=progressbar]")
    assert progress.is_visible()
    page.wait_for_selector("[data-role=download]:not([hidden])", timeout=EXPORT_TIMEOUT_MS)
    assert progress.get_attribute("aria-valuenow") == "100"
    assert page.locator("[data-role=stage]").inner_text() == "Done"  # not "Done · done"
    # the bar grows with a transition: let it reach the end before the picture is taken
    page.wait_for_function("() => { const bar = document.querySelector('.export-progress [data-role=bar]');"
                           " return bar.getBoundingClientRect().width >= bar.parentElement.clientWidth - 1; }")
    assert page.locator("[data-role=failure]").is_hidden()
    screenshot(page, "production-02-exported")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the zip").click()
    assert download.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        names = set(archive.namelist())
    assert {f"plate-{first}.3mf", f"plate-{first}.pdf", "jobs.csv"} <= names
    assert any(name.endswith(".stl") for name in names)
    # the plate now says it was exported, so a second export asks first
    page.goto("/production/")
    card = page.locator(".plate-card", has=page.locator(f"input[value='{first}']"))
    assert "Exported 1 time already." in card.inner_text()
    assert page.console_errors == []
