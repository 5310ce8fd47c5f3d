"""Server-rendered pages. Each one reads through selectors; all writes go through the API."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language

from geometry import registry
from configurator.api.views import DesignOutputSerializer, RevisionOutputSerializer
from geometry.foot import TYPICAL_FOOT_MM
from configurator.option_text import option_presented
from configurator.selectors import (
    design_get_by_share_token,
    revision_files_shared,
    design_get_for_user,
    design_list_for_user,
    product_get,
    product_list,
    revision_latest,
    revision_list_for_design,
)
from customers.selectors import (
    customer_for_user_get,
    measurement_kinds_presented,
    measurement_set_list,
    measurement_set_presented,
)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


SITE_ICON = "img/sartoria.svg"  # templates/base.html links the same file (tests/configurator/test_pages.py)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the API's JSON, files): the site's own icon."""
    return redirect(static(SITE_ICON), permanent=True)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "configurator/home.html", {"products": product_list()})


def _revision_data(request: HttpRequest, revision) -> dict | None:
    return RevisionOutputSerializer(revision, context={"request": request}).data if revision else None


@login_required
def configure(request: HttpRequest, slug: str) -> HttpResponse:
    """The studio: everything the page needs to draw at once goes into one JSON blob."""
    product = product_get(slug=slug)
    design = None
    revision = None
    if request.GET.get("design", "").isdigit():
        # store staff continue the design of a customer checked in at their store (with that customer's feet)
        design = design_get_for_user(design_id=int(request.GET["design"]), user=request.user, for_write=True,
                                     store_work=True)
        revision = revision_latest(design=design)
    customer = design.customer if design is not None else customer_for_user_get(user=request.user)
    measurement_sets = [measurement_set_presented(measurement_set=item) for item in measurement_set_list(customer=customer)[:20]]
    feet = revision.measurements if revision else (measurement_sets[0]["feet"] if measurement_sets else {})
    chosen = revision.parameters if revision else {}
    options = []
    for option in registry.option_schema(product.generator_key):
        option["value"] = chosen.get(option["name"], option["default"])
        options.append(option_presented(option))
    typical = registry.parse(product.generator_key, options={}, foot=TYPICAL_FOOT_MM, side="right")
    part_names = list(registry.part_materials(product.generator_key, typical))
    studio = {
        "product": {
            "slug": product.slug,
            "name": product.display_name,
            "parts": part_names,
            "default_model_url": reverse("api:product-model", kwargs={"slug": product.slug}),
        },
        "options": options,
        "design": DesignOutputSerializer(design, context={"request": request}).data if design else None,
        "revision": _revision_data(request, revision),
        "feet": feet,
        "measurement_fields": measurement_kinds_presented(),
        "measurement_sets": [
            {**item, "measured_at": item["measured_at"].isoformat(),
             "foot_urls": {side: reverse("api:measurement-set-foot", kwargs={"measurement_set_id": item["id"], "side": side}) for side in item["feet"]}}
            for item in measurement_sets
        ],
        "side": "both" if not revision or len(revision.sides) == 2 else revision.sides[0],
        "user": {"is_guest": bool(customer and customer.is_guest), "name": request.user.get_username()},
        "language": get_language(),
        "currency": product.currency,
        "urls": {"profile": reverse("profile"), "signup": reverse("signup")},
    }
    return render(request, "configurator/configure.html", {"product": product, "design": design, "studio": studio})


def design_shared(request: HttpRequest, token: str) -> HttpResponse:
    """A read-only page of one shared revision: its 3D model and previews, no options, no foot, no print files."""
    design = design_get_by_share_token(token=token)
    revision = design.shared_revision
    files = [
        {"side": item.side, "name": item.name, "kind": item.kind,
         "url": reverse("api:shared-revision-file",
                        kwargs={"token": token, "revision_id": item.revision_id, "side": item.side, "name": item.name})}
        for item in revision_files_shared(design=design)
    ]
    materials = {side: report.get("materials", {}) for side, report in (revision.report.get("sides", {}) if revision else {}).items()}
    context = {"design": design, "revision": revision, "files": files, "materials": materials,
               "models": [item for item in files if item["kind"] == "glb"],
               "previews": [item for item in files if item["name"] == "preview.png"]}
    return render(request, "configurator/shared.html", context)


@login_required
def design_list(request: HttpRequest) -> HttpResponse:
    designs = [(design, revision_latest(design=design)) for design in design_list_for_user(user=request.user)[:200]]
    return render(request, "configurator/design_list.html", {"designs": designs})


@login_required
def design_detail(request: HttpRequest, design_id: int) -> HttpResponse:
    design = design_get_for_user(design_id=design_id, user=request.user)
    revisions = revision_list_for_design(design=design, user=request.user)
    return render(request, "configurator/design_detail.html", {"design": design, "revisions": revisions})

