"""The documentation page as an integrator opens it: Swagger UI in Chromium lists every operation of the schema."""
import json
import os
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import BASE_DIR

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("SARTORIA_ARTIFACTS_DIR", BASE_DIR / "artifacts")) / "screenshots"


def test_the_docs_page_shows_every_operation_without_errors(live_api):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    schema = json.loads(urllib.request.urlopen(f"{live_api.url}/api/schema/?format=json", timeout=60).read())
    operations = sum(len(methods) for methods in schema["paths"].values())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(f"{live_api.url}/api/docs/")
        page.wait_for_selector(".opblock", timeout=30_000)
        shown = page.locator(".opblock").count()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
        browser.close()
    assert shown == operations and errors == []
