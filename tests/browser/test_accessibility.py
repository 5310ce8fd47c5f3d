"""
Every kind of page people use, checked by axe-core in Chromium, in English and Italian: no serious or critical
violation. The found violations (all impacts) are printed, so a failing run says which rule, where and why.

The pages: home, the studio (a new shoe with every option, and a built insole with its fit and versions), the
profile, the fitting desk (before and after a check-in), and production's queue and a design's revisions.
"""
import json
import time
import urllib.request
import uuid

import pytest

from customers.roles import STORE_GROUP
from tests.browser.test_shopper_journeys import BUILD_TIMEOUT_MS, FEET, wait_for_model
from tests.conftest import BASE_DIR

pytestmark = pytest.mark.slow

AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
LOCALES = ["en-GB", "it-IT"]
# Users of the demo catalogue (`load_demo`); store staff are made here, the demo has none.
DEMO = ("demo", "sartoria-demo")
PRODUCTION = ("production", "sartoria-production")
STAFF_PASSWORD = "a long desk pass phrase 7"


def axe_violations(page, name: str) -> list[dict]:
    """Run axe-core on the page as it is now; print what it finds and return the serious and critical ones."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make frontend` installs axe-core from package-lock.json")
    page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, { resultTypes: ["violations"] });
        return { checked: result.passes.length, violations: result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
            nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200), why: n.failureSummary })),
        })) };
    }""")
    violations = found["violations"]
    print(f"\naxe on {name} ({page.url}): {found['checked']} rules passed, {len(violations)} violation(s)")
    assert found["checked"] > 0, f"axe checked nothing on {name}"
    for violation in violations:
        print(f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['url']})")
        for node in violation["nodes"]:
            print(f"    at {node['target']}: {node['html']}")
            print("      " + (node["why"] or "").replace("\n", "\n      "))
    return [violation for violation in violations if violation["impact"] in BLOCKING]


def assert_accessible(page, name: str, locale: str) -> None:
    assert page.evaluate("() => document.documentElement.lang") == locale[:2], f"{name} is not in {locale}"
    blocking = axe_violations(page, f"{name} [{locale}]")
    assert not blocking, f"{name}: serious or critical axe violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'] for n in v['nodes'])}" for v in blocking)


@pytest.fixture(scope="module")
def logged_in():
    """logged_in(page_factory, (username, password), locale) -> a page of that user; each logs in once (log-ins are rate-limited)."""
    sessions = {}

    def open_page(page_factory, user: tuple[str, str], locale: str):
        if user in sessions:
            return page_factory(locale=locale, storage_state=sessions[user])
        page = page_factory(locale=locale)
        page.goto("/accounts/login/")
        page.fill("#id_username", user[0])
        page.fill("#id_password", user[1])
        with page.expect_navigation():
            page.press("#id_password", "Enter")
        assert "/accounts/login/" not in page.url, f"{user[0]} could not log in"
        sessions[user] = page.context.storage_state()
        return page

    return open_page


def api_call(base_url: str, method: str, path: str, body: dict | None = None, *, token: str | None = None) -> dict:
    request = urllib.request.Request(
        base_url + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 **({"Authorization": f"Token {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def built_design(live_app) -> int:
    """A demo shopper's insole, built and ordered through the API: the studio shows its fit and versions, production
    its row."""
    token = api_call(live_app, "POST", "/api/auth/token/", {"username": DEMO[0], "password": DEMO[1]})["token"]
    design = api_call(live_app, "POST", "/api/designs/", {"product": "insole", "name": "Axe insole"}, token=token)
    revision = api_call(live_app, "POST", f"/api/designs/{design['id']}/revisions/",
                        {"parameters": {}, "side": "both", "measurements": FEET}, token=token)
    deadline = time.monotonic() + BUILD_TIMEOUT_MS / 1000
    while revision["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(1)
        revision = api_call(live_app, "GET", f"/api/revisions/{revision['id']}/", token=token)
    assert revision["status"] == "done", revision
    # ordered and paid, so that production has it to make (production's queue lists paid orders only)
    order = api_call(live_app, "POST", "/api/orders/", {"design": design["id"], "revision": revision["id"]},
                     token=token)
    maker = api_call(live_app, "POST", "/api/auth/token/", {"username": PRODUCTION[0], "password": PRODUCTION[1]})
    api_call(live_app, "POST", f"/api/orders/{order['id']}/pay/", {}, token=maker["token"])
    return design["id"]


@pytest.fixture(scope="module")
def store_staff(app_shell) -> tuple[str, str]:
    """A user of the store group (the desk's staff), made in the running app's database."""
    username = f"desk{uuid.uuid4().hex[:6]}"
    app_shell(
        "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
        f"user = get_user_model().objects.create_user({username!r}, {username + '@example.com'!r}, {STAFF_PASSWORD!r}); "
        f"user.groups.add(Group.objects.get(name={STORE_GROUP!r})); "
        # staff work at a store (the demo's first): only then may they check customers in
        "from stores.models import Store; from stores.services import staff_membership_set; "
        "staff_membership_set(user=user, store=Store.objects.order_by('pk').first())")
    return username, STAFF_PASSWORD


@pytest.mark.parametrize("locale", LOCALES)
def test_home_is_accessible(page_factory, locale):
    page = page_factory(locale=locale)
    page.goto("/")
    assert_accessible(page, "home", locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_new_shoe_in_the_studio_is_accessible(page_factory, logged_in, locale):
    page = logged_in(page_factory, DEMO, locale)
    page.goto("/configure/shoe/")
    wait_for_model(page)
    page.wait_for_selector("#price-amount")  # the quote is in
    assert_accessible(page, "studio, new shoe", locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_built_design_in_the_studio_is_accessible(page_factory, logged_in, screenshot, built_design, locale):
    page = logged_in(page_factory, DEMO, locale)
    page.goto(f"/configure/insole/?design={built_design}")
    wait_for_model(page, revision=True)
    page.wait_for_selector("#fit-result li, #fit-result dl")
    page.wait_for_selector("#revision-strip .revision")
    screenshot(page, f"a11y-studio-built-{locale}")
    assert_accessible(page, "studio, built insole", locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_profile_is_accessible(page_factory, logged_in, built_design, locale):
    page = logged_in(page_factory, DEMO, locale)
    page.goto("/profile/")
    page.locator(".gallery .card").first.wait_for()
    assert_accessible(page, "profile", locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_fitting_desk_is_accessible(page_factory, logged_in, store_staff, locale):
    page = logged_in(page_factory, store_staff, locale)
    page.goto("/store/")
    assert_accessible(page, "fitting desk, check-in", locale)
    page.fill("input[name=email]", "demo@example.com")
    with page.expect_navigation():
        page.press("input[name=email]", "Enter")
    page.wait_for_selector("input[name=action][value=check_out]", state="attached")
    assert_accessible(page, "fitting desk, customer checked in", locale)
    with page.expect_navigation():  # the check-in lives in the staff's session, which the next test reuses
        page.locator("form:has(input[name=action][value=check_out]) button").click()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_production_queue_is_accessible(page_factory, logged_in, built_design, locale):
    page = logged_in(page_factory, PRODUCTION, locale)
    page.goto("/production/")
    page.locator("input[name=revision_ids]").first.wait_for()
    assert_accessible(page, "production queue", locale)
    with page.expect_navigation():
        page.locator(f".queue a[href$='/designs/{built_design}/']").first.click()  # the design's revisions and files
    page.locator(".revisions .downloads a").first.wait_for()
    assert_accessible(page, "production, a design's revisions", locale)
