"""Checkout pages: review a built design and choose delivery, pay through the provider, then the order's page."""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.exceptions import ApplicationError
from configurator import pricing
from configurator.fit_text import report_translated
from configurator.models import DesignRevision, Order
from configurator.selectors import (
    design_get_for_user,
    order_events,
    order_get_for_user,
    order_price_lines,
    revision_latest_done,
)
from configurator.services import (
    order_cancel,
    order_delivery_set,
    order_pay,
    order_place,
    order_status_allowed,
)
from configurator.services.orders import DELIVERY_ADDRESS_FIELDS, DELIVERY_ADDRESS_REQUIRED, DELIVERY_FIELD_LABELS
from customers.selectors import size_presented
from stores.selectors import store_list



AUTOCOMPLETE = {"name": "name", "line1": "address-line1", "line2": "address-line2", "postcode": "postal-code",
                "city": "address-level2", "country": "country", "phone": "tel"}


def _side_label(side: str) -> str:
    return _("Left foot") if side == "left" else _("Right foot")


def _revision_for_checkout(request: HttpRequest, design) -> DesignRevision:
    raw = request.POST.get("revision") or request.GET.get("revision")
    if raw:
        if not str(raw).isdigit():
            raise Http404(_("No such revision."))
        revision = design.revisions.filter(pk=int(raw)).first()
    else:
        revision = revision_latest_done(design=design)
    if revision is None:
        raise Http404(_("No such revision."))
    return revision


def _review_context(request: HttpRequest, design, revision: DesignRevision) -> dict:
    report = report_translated(revision.report or {})
    feet = []
    for side in revision.sides:
        side_report = (report.get("sides") or {}).get(side) or {}
        fit = side_report.get("fit") or {}
        preview = revision.files.filter(side=side, name="preview.png").first()
        feet.append({
            "side": side,
            "label": _side_label(side),
            "preview_url": reverse("api:revision-file", args=[revision.pk, side, "preview.png"]) if preview else "",
            "verdict": fit.get("verdict", ""),
            "messages": [message.get("text", "") for message in fit.get("messages", [])],
        })
    quote = pricing.quote_for_revision(revision=revision)
    return {
        "design": design,
        "revision": revision,
        "feet": feet,
        "size": size_presented(feet=revision.measurements or {}),
        "quote": quote.to_dict(design.template.currency),
        "price": quote.price,
        "currency": design.template.currency,
        "delivery_earliest": quote.delivery_earliest,
        "delivery_latest": quote.delivery_latest,
        "stores": list(store_list()),
        "verdict_labels": {"fits": _("Fits"), "tight": _("Tight in places"), "loose": _("Loose in places"),
                           "tight_and_loose": _("Tight and loose in places")},
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, design_id: int) -> HttpResponse:
    """Review what is bought and choose delivery; the form carries a checkout token so a double submit orders once."""
    design = design_get_for_user(design_id=design_id, user=request.user, for_write=True)
    revision = _revision_for_checkout(request, design)
    if revision.status != DesignRevision.Status.DONE:
        messages.error(request, _("Only a finished revision can be ordered; wait until the model is ready."))
        return redirect("configure", design.template.slug)
    context = _review_context(request, design, revision)
    form = {"method": "ship", "store": "", "checkout_token": uuid.uuid4().hex,
            **{key: "" for key in DELIVERY_ADDRESS_FIELDS}}
    if not form["name"]:
        form["name"] = design.customer.full_name
    errors: dict[str, str] = {}
    if request.method == "POST":
        form.update({key: request.POST.get(key, "").strip() for key in (*DELIVERY_ADDRESS_FIELDS, "method", "store")})
        form["checkout_token"] = request.POST.get("checkout_token", "")[:64]
        try:
            store = None
            if form["method"] == Order.Delivery.PICKUP:
                store = store_list().filter(pk=int(form["store"])).first() if form["store"].isdigit() else None
                if store is None:
                    raise ApplicationError(_("Choose the store where you will collect your order."), {"field": "store"})
            with transaction.atomic():
                order = order_place(design=design, revision=revision, checkout_token=form["checkout_token"],
                                    actor=request.user, channel="web")
                if order.status == Order.Status.PLACED:
                    order_delivery_set(order=order, actor=request.user, method=form["method"],
                                       address={key: form[key] for key in DELIVERY_ADDRESS_FIELDS}, store=store)
            return redirect("order-pay-page", order.pk)
        except ApplicationError as error:
            errors[error.extra.get("field") or "form"] = error.message
    address_fields = [{"key": key, "label": DELIVERY_FIELD_LABELS[key], "value": form[key], "error": errors.get(key, ""),
                       "required": key in DELIVERY_ADDRESS_REQUIRED, "autocomplete": AUTOCOMPLETE[key]}
                      for key in DELIVERY_ADDRESS_FIELDS]
    return render(request, "configurator/checkout.html",
                  {**context, "form": form, "errors": errors, "address_fields": address_fields},
                  status=400 if errors else 200)


def _order_for_page(request: HttpRequest, order_id: int) -> Order:
    return order_get_for_user(order_id=order_id, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def order_pay_page(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for_page(request, order_id)
    if order.customer.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404(_("No such order."))
    if order.status != Order.Status.PLACED:
        return redirect("order-detail", order.pk)
    error = ""
    if request.method == "POST":
        try:
            order_pay(order=order, actor=request.user)
            messages.success(request, _("Thank you! Your order is paid. We have sent you a confirmation email."))
            return redirect("order-detail", order.pk)
        except ApplicationError as refused:
            error = refused.message
    return render(request, "configurator/checkout_pay.html",
                  {"order": order, "lines": order_price_lines(order=order), "error": error},
                  status=400 if error else 200)


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for_page(request, order_id)
    return render(request, "configurator/order_detail.html", {
        "order": order,
        "lines": order_price_lines(order=order),
        "events": order_events(order=order),
        "can_cancel": order_status_allowed(order=order, status=Order.Status.CANCELLED, actor=request.user),
        "can_pay": order.status == Order.Status.PLACED and order.customer.user_id == request.user.pk,
    })


@login_required
@require_POST
def order_cancel_page(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_for_page(request, order_id)
    try:
        order_cancel(order=order, actor=request.user, note=request.POST.get("note", "")[:1000])
        messages.success(request, _("Your order is cancelled. Nothing will be made."))
    except PermissionDenied:
        raise
    except ApplicationError as refused:
        messages.error(request, refused.message)
    return redirect("order-detail", order.pk)
