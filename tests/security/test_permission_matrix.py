"""
Who may reach what: every route of the URL configuration, for every role, against one shopper's objects.

The matrix below is the specification. It is checked both ways: each row against the running views, and the URL
configuration against the rows, so a new endpoint without a row fails here until someone decides who may use it.
"""
import hashlib

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from configurator.models import Design, DesignRevision
from configurator.services import design_share, order_place, revision_file_store
from customers.models import FootScan
from customers.services import guest_start, measurement_set_record
from tests.conftest import FEET
from tests.factories import DesignFactory
from tests.production.helpers import production_world
from stores.services import check_in_start
from tests.stores.factories import StaffFactory
from tests.customers.helpers import golden_record_world

# "store": an associate of the store where the owner is checked in now; "other_store": staff of another store.
ROLES = ("anonymous", "guest", "owner", "other_shopper", "store", "other_store", "production", "admin")
EVERYONE = set(ROLES)
STORE_STAFF = {"store", "other_store"}
CHECKED_IN_STAFF = {"store"}  # the owner's check-in opens their designs to that store's staff, no one else's
SIGNED_IN = EVERYONE - {"anonymous"}
OWNER_AND_ADMIN = {"owner", "admin"}
MAKERS = {"owner", "production", "admin"}  # production reads what was ordered (the owner's revision is)
PRODUCTION = {"production", "admin"}

# route name -> {method: roles allowed}. Allowed: the view does its work for them (2xx, 3xx other than to the log-in
# page, or a 400 about the body, which means the permission check passed); refused: 401, 403, 404 or the log-in page.
MATRIX = {
    "home": {"GET": EVERYONE},
    "healthz": {"GET": EVERYONE},
    "favicon": {"GET": EVERYONE},
    "measuring-guide": {"GET": EVERYONE},
    "configure": {"GET": SIGNED_IN},  # anonymous visitors are asked to log in or start as a guest
    "design-list": {"GET": SIGNED_IN},
    "design-detail": {"GET": MAKERS | CHECKED_IN_STAFF},
    "production-queue": {"GET": PRODUCTION},
    "design-shared": {"GET": EVERYONE},
    "profile": {"GET": SIGNED_IN},
    "profile-scan-upload": {"POST": SIGNED_IN},
    "store-desk": {"GET": STORE_STAFF},  # a fitting tablet's page: store staff only
    "store-finder": {"GET": EVERYONE},  # "find a store for a fitting"
    "store-card": {"GET": set()},  # the tablet's checked-in customer's card: the world's staff have none open here
    "api:store-check-in-list": {"GET": STORE_STAFF, "POST": STORE_STAFF},
    "api:store-check-in-detail": {"GET": CHECKED_IN_STAFF, "DELETE": CHECKED_IN_STAFF},
    "api:store-pin": {"PUT": STORE_STAFF},
    "api:store-unlock": {"POST": STORE_STAFF},
    "api:store-list": {"GET": EVERYONE},
    "signup": {"GET": EVERYONE},
    "guest": {"POST": EVERYONE},
    "login": {"GET": EVERYONE},
    "logout": {"POST": EVERYONE},
    "password_change": {"GET": SIGNED_IN},
    "password_change_done": {"GET": SIGNED_IN},
    "password_reset": {"GET": EVERYONE},
    "password_reset_done": {"GET": EVERYONE},
    "password_reset_confirm": {"GET": EVERYONE},
    "password_reset_complete": {"GET": EVERYONE},
    "set_language": {"POST": EVERYONE},
    "javascript-catalog": {"GET": EVERYONE},
    "api:product-list": {"GET": EVERYONE},
    "api:product-detail": {"GET": EVERYONE},
    "api:product-model": {"GET": EVERYONE},
    "api:quote": {"POST": EVERYONE},
    "api:order-list": {"GET": SIGNED_IN, "POST": OWNER_AND_ADMIN},
    # one order: its owner and the makers; store staff only for orders collected at their store (not this one)
    "api:order-detail": {"GET": MAKERS, "PATCH": MAKERS},
    "api:order-pay": {"POST": PRODUCTION},  # a payment taken outside the web checkout; the owner pays on the page
    "api:order-cancel": {"POST": MAKERS},
    "api:order-status": {"POST": PRODUCTION},
    "checkout": {"GET": OWNER_AND_ADMIN, "POST": OWNER_AND_ADMIN},
    "order-detail": {"GET": MAKERS},
    "order-pay-page": {"GET": OWNER_AND_ADMIN, "POST": OWNER_AND_ADMIN},
    "order-cancel-page": {"POST": MAKERS},
    "api:design-duplicate": {"POST": OWNER_AND_ADMIN},
    "api:design-share": {"POST": OWNER_AND_ADMIN, "DELETE": OWNER_AND_ADMIN},
    "api:shared-revision-file": {"GET": EVERYONE},
    "api:design-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "api:design-detail": {"GET": MAKERS | CHECKED_IN_STAFF, "PATCH": OWNER_AND_ADMIN, "DELETE": OWNER_AND_ADMIN},
    # staff of the store where the owner is checked in continue the design with them (a revision "in store")
    "api:revision-list": {"GET": MAKERS | CHECKED_IN_STAFF, "POST": OWNER_AND_ADMIN | CHECKED_IN_STAFF},
    "api:revision-detail": {"GET": MAKERS | CHECKED_IN_STAFF},
    "api:revision-file": {"GET": MAKERS | CHECKED_IN_STAFF},
    "api:scan-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "api:scan-detail": {"GET": OWNER_AND_ADMIN},
    # body data: only its owner through the API (admins have the Django admin)
    "api:measurement-set-foot": {"GET": {"owner"}},
    "api:measurement-set-list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "api:measurement-set-estimate": {"POST": SIGNED_IN},  # the caller's own customer only: no object in the path
    "api:measurement-set-detail": {"GET": {"owner"}},
    "api:print-queue": {"GET": PRODUCTION},
    "api:print-export": {"POST": PRODUCTION},
    "api:print-job-list": {"GET": PRODUCTION},
    "api:print-job-state": {"POST": PRODUCTION},
    "api:plate-list": {"GET": PRODUCTION},
    "api:plate-state": {"POST": PRODUCTION},
    "api:farm-plan": {"GET": PRODUCTION, "POST": PRODUCTION},
    "api:plate-export-list": {"POST": PRODUCTION},
    "api:plate-export-detail": {"GET": PRODUCTION},
    "api:plate-export-download": {"GET": PRODUCTION},  # 409 until the export is done: still past the permission
    "production-plan": {"POST": PRODUCTION},
    "production-plates-export": {"POST": PRODUCTION},
    "production-plate-state": {"POST": PRODUCTION},
    "production-job-state": {"POST": PRODUCTION},
    "production-revisions-export": {"POST": PRODUCTION},
    "api:auth-token": {"POST": EVERYONE, "DELETE": SIGNED_IN},
    # the golden record: each signed-in person's own card, consent, data and erasure (a guest's too)
    "api:me": {"GET": SIGNED_IN},
    "api:me-export": {"GET": SIGNED_IN},
    "api:me-erase": {"POST": SIGNED_IN},  # a wrong password is a 400: past the permission
    "loyalty-card": {"GET": SIGNED_IN},
    "loyalty-card-qr": {"GET": SIGNED_IN},
    "loyalty-card-email": {"POST": SIGNED_IN},
    "profile-consent": {"POST": SIGNED_IN},
    "profile-export": {"GET": SIGNED_IN},
    "profile-erase": {"POST": SIGNED_IN},
    # possible duplicates: a store manager or an admin (associates are "store" here; managers in tests/customers)
    "duplicates": {"GET": {"admin"}},
    "duplicate-compare": {"GET": {"admin"}, "POST": {"admin"}},
    "merge-undo": {"POST": {"admin"}},
    "email-confirm": {"GET": EVERYONE},  # the signed link is the permission (the test's "x" is a 400 in words)
}
MATRIX["api-schema"] = {"GET": EVERYONE}  # the public API's schema and its docs page: public, like the catalogue
MATRIX["api-docs"] = {"GET": EVERYONE}
# /api/v1/ serves the very views of /api/ (config/urls.py): every api: row holds for its v1: twin as well.
MATRIX.update({"v1:" + name.removeprefix("api:"): methods for name, methods in list(MATRIX.items())
               if name.startswith("api:")})


def legacy_name(name: str) -> str:
    """The /api/ route name of a /api/v1/ route ("v1:design-list" -> "api:design-list")."""
    return "api:" + name.removeprefix("v1:") if name.startswith("v1:") else name


def routes() -> dict[str, str]:
    """Every named route outside the Django admin (which has its own permissions), as name -> pattern."""
    found = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.setdefault(namespace + pattern.name, prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_route_has_a_row_and_every_row_a_route():
    assert set(routes()) == set(MATRIX)


@pytest.fixture
def world(db, shopper, other_shopper, production_user, admin_user, products):
    """The owner's design with a finished, ordered and shared revision, a measurement set and a scan."""
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    measurement_set = measurement_set_record(customer=shopper.customer, feet=FEET)
    revision = DesignRevision.objects.create(
        design=design, number=1, params_hash=hashlib.sha256(b"matrix").hexdigest(), parameters={},
        measurements=FEET, sides=["right"], measurement_set=measurement_set, status=DesignRevision.Status.DONE,
        finished_at=timezone.now())
    for name in ("insole.glb", "preview.png", "insole.3mf"):
        revision_file_store(revision=revision, side="right", name=name, content=f"content of {name}".encode())
    order = order_place(design=design, revision=revision)
    design = design_share(design=design, revision=revision)
    scan = FootScan.objects.create(customer=shopper.customer, uploaded_by=shopper)
    production_ids = production_world(revision=revision)  # a plate, a job on it and an export of it
    store_user, other_store_user = StaffFactory().user, StaffFactory().user
    check_in = check_in_start(staff=store_user, customer=shopper.customer)
    suggestion, merge = golden_record_world()
    users = {"guest": guest_start(), "owner": shopper, "other_shopper": other_shopper, "store": store_user,
             "other_store": other_store_user, "production": production_user, "admin": admin_user}
    kwargs = {"slug": "insole", "design_id": design.pk, "revision_id": revision.pk, "side": "right",
              "name": "preview.png", "token": design.share_token, "scan_id": scan.pk,
              "measurement_set_id": measurement_set.pk, "uidb64": "MQ", "check_in_id": check_in.pk,
              "suggestion_id": suggestion.pk, "merge_id": merge.pk, "order_id": order.pk, **production_ids}
    return users, kwargs


def url_for(pattern: str, kwargs: dict, name: str) -> str:
    name = legacy_name(name)
    url = "/" + pattern
    for key, value in kwargs.items():
        for converter in ("int", "str", "slug"):
            url = url.replace(f"<{converter}:{key}>", str(value))
    if name == "api:revision-file":
        url = url.replace("preview.png", "insole.3mf")  # a print file: never for anyone outside the makers
    if name == "api:measurement-set-foot":
        url = url.replace("<str:side>", "right")
    return url.replace("<token>", "set-password").replace("<str:token>", "x")


def allowed(response) -> bool:
    assert response.status_code != 405, "the matrix names a method the view does not have"
    assert response.status_code < 500, response.content[:500]
    if response.status_code in (401, 403, 404):
        return False
    return not (response.status_code == 302 and response["Location"].startswith("/accounts/login/"))


# Where a view checks its body before the object, a valid body, so that the answer is about permission.
BODIES = {
    ("api:order-list", "POST"): lambda kwargs: {"design": kwargs["design_id"], "revision": kwargs["revision_id"]},
    ("api:revision-list", "POST"): {"measurements": FEET, "side": "right"},
    ("api:order-status", "POST"): {"status": "printed"},
    ("api:design-detail", "PATCH"): {"name": "renamed"},
    ("api:me-erase", "POST"): {"password": "not the password"},
}

CASES = [(name, method) for name, methods in MATRIX.items() for method in methods]


@pytest.mark.parametrize("name, method", CASES, ids=[f"{method} {name}" for name, method in CASES])
def test_each_role_reaches_exactly_what_the_matrix_says(world, name, method):
    users, kwargs = world
    url = url_for(routes()[name], kwargs, name)
    body = BODIES.get((legacy_name(name), method), {}) if method != "GET" else {}
    body = body(kwargs) if callable(body) else body
    wrong = []
    for role in ROLES:
        with transaction.atomic():  # each role meets the same world: what one role changed is rolled back
            client = APIClient() if legacy_name(name).startswith("api:") else Client()
            if role != "anonymous":
                if legacy_name(name).startswith("api:"):
                    client.force_authenticate(users[role])
                client.force_login(users[role])
            extra = {"format": "json"} if legacy_name(name).startswith("api:") and method != "GET" else {}
            response = getattr(client, method.lower())(url, body, **extra)
            if allowed(response) != (role in MATRIX[name][method]):
                wrong.append(f"{role}: {response.status_code}")
            transaction.set_rollback(True)
    assert wrong == [], f"{method} {url}"
