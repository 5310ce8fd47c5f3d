"""Server-rendered pages. Each one reads through selectors; all writes go through the API."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from configurator.geometry import registry
from configurator.geometry.foot import MEASUREMENT_RANGES_MM
from configurator.selectors import (
    design_get_for_user,
    design_list_for_user,
    product_get,
    product_list,
    revision_latest,
    revision_list_for_design,
)
from customers.models import Measurement
from customers.selectors import customer_for_user_get, measurement_set_feet, measurement_set_latest


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "configurator/home.html", {"products": product_list()})


@login_required
def configure(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get(slug=slug)
    design = None
    revision = None
    if request.GET.get("design", "").isdigit():
        design = design_get_for_user(design_id=int(request.GET["design"]), user=request.user, for_write=True)
        revision = revision_latest(design=design)
    latest_set = measurement_set_latest(customer=customer_for_user_get(user=request.user))
    feet = revision.measurements if revision else (measurement_set_feet(measurement_set=latest_set) if latest_set else {})
    options = registry.option_schema(product.generator_key)
    chosen = revision.parameters if revision else {}
    for option in options:
        option["value"] = chosen.get(option["name"], option["default"])
    measurement_fields = [
        {"name": name, "label": Measurement.Kind(name).label, "min": low, "max": high, "left": feet.get("left", {}).get(name, ""), "right": feet.get("right", {}).get(name, "")}
        for name, (low, high) in MEASUREMENT_RANGES_MM.items()
    ]
    context = {
        "product": product,
        "design": design,
        "revision": revision,
        "options": options,
        "measurement_fields": measurement_fields,
        "side": "both" if not revision or len(revision.sides) == 2 else revision.sides[0],
    }
    return render(request, "configurator/configure.html", context)


@login_required
def design_list(request: HttpRequest) -> HttpResponse:
    designs = [(design, revision_latest(design=design)) for design in design_list_for_user(user=request.user)[:200]]
    return render(request, "configurator/design_list.html", {"designs": designs})


@login_required
def design_detail(request: HttpRequest, design_id: int) -> HttpResponse:
    design = design_get_for_user(design_id=design_id, user=request.user)
    revisions = revision_list_for_design(design=design)
    return render(request, "configurator/design_detail.html", {"design": design, "revisions": revisions})

