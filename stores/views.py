"""The fitting desk (/store/), a touch-first tablet page, and the public "find a store for a fitting" page."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.exceptions import ApplicationError
from config.jobs import BrokerUnavailable
from config.ratelimits import attempts_count
from configurator.selectors import design_list_for_customer, product_get, product_list, revision_latest
from configurator.services import design_create
from customers.selectors import (
    customer_loyalty_card,
    customer_timeline,
    measurement_set_list,
    measurement_set_presented,
    user_is_store_staff,
)
from customers.services import measurement_set_record, scan_limits_text, scan_upload
from geometry.foot import MEASUREMENT_RANGES_MM
from stores.cities import city_names
from stores.forms import CheckInForm, FootMeasurementsForm, PinForm, StartDesignForm, WalkInForm
from stores.selectors import (
    check_in_get_for_staff,
    check_in_list_for_staff,
    city_coordinates_get,
    staff_membership_get,
    store_list_by_distance,
)
from stores.services import (
    check_in_by_identity,
    check_in_end,
    not_found_message,
    staff_lookup_record,
    staff_card_send,
    staff_pin_set,
    walk_in_register,
)

CHECK_IN_SESSION_KEY = "store_check_in_id"
SIDES = {"left": gettext_lazy("Left"), "right": gettext_lazy("Right")}


def store_staff_only(view):
    """The desk is for store staff: everyone else gets a 403."""

    @login_required
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_is_store_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _current_check_in(request: HttpRequest):
    """The check-in this tablet works on, while it is open at the staff member's store; else None (and forgotten)."""
    check_in_id = request.session.get(CHECK_IN_SESSION_KEY)
    if not check_in_id:
        return None
    try:
        return check_in_get_for_staff(check_in_id=check_in_id, user=request.user)
    except Http404:  # checked out (here or on another tablet) or expired
        request.session.pop(CHECK_IN_SESSION_KEY, None)
        return None


def _card_urls(customer) -> dict:
    """The printable card of the checked-in customer; the email goes through the desk's own form."""
    return {"print": reverse("store-card")}


def _measurement_rows(presented: dict) -> list[dict]:
    rows = []
    for kind in MEASUREMENT_RANGES_MM:
        values = {side: presented["feet"].get(side, {}).get(kind) for side in ("left", "right")}
        if any(value is not None for value in values.values()):
            rows.append({"kind": kind, **values})
    return rows


def _scan_stage_text(scan) -> str:
    """What a scan's line says: "Done" once, not "Done done"; the stage while it runs; the reason if it failed."""
    if scan.status == "failed":
        return _("could not be used: %(reason)s") % {"reason": scan.failure_reason}
    label = str(scan.get_status_display())
    if scan.status in ("done", "queued") or not scan.stage or scan.stage.lower() == label.lower():
        return label
    return f"{label}: {scan.stage}"


def store_foot_forms(data) -> dict[str, FootMeasurementsForm]:
    return {side: FootMeasurementsForm(data, side=side) for side in ("left", "right")}


def store_measure(*, customer, foot_forms: dict[str, FootMeasurementsForm]) -> bool:
    """Record the desk's measurements; False (errors on the forms) when a value or the feet as a whole are refused."""
    if not all([form.is_valid() for form in foot_forms.values()]):  # a list: both feet are checked, all errors show
        return False
    feet = {side: form.foot() for side, form in foot_forms.items() if form.foot() is not None}
    if not feet:
        raise ApplicationError(_("Type the measurements of at least one foot."))
    try:
        measurement_set_record(customer=customer, feet=feet, source="store")
    except ApplicationError as problem:
        # the feet as a whole (e.g. a girth that cannot go round that width): shown beside the field it names
        _unused, side, kind = (problem.extra.get("field", "") + "..").split(".")[:3]
        if side in foot_forms and kind in MEASUREMENT_RANGES_MM:
            foot_forms[side].add_error(kind, problem.message)
            return False
        raise
    return True


@store_staff_only
def store_desk(request: HttpRequest) -> HttpResponse:
    """
    The fitting tablet: check a customer in (card, QR code, email) or register a walk-in, then measure, scan,
    open or start their designs. Staff see only customers checked in at their store; the tablet locks when idle.
    Every refused form keeps what was typed and shows each error beside its field.
    """
    membership = staff_membership_get(user=request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    check_in_form = CheckInForm(request.POST if action == "check_in" else None)
    walk_in_form = WalkInForm(request.POST if action == "walk_in" else None, prefix="walkin")
    design_form = StartDesignForm(request.POST if action == "start_design" else None)
    pin_form = PinForm(request.POST if action == "set_pin" else None)
    foot_forms = store_foot_forms(request.POST if action == "measure" else None)
    error, status, notice = "", 200, ""
    current = _current_check_in(request)
    if request.method == "POST":
        try:
            if membership is None:
                raise ApplicationError(_("Your account is not part of a store yet: ask your manager."))
            if action == "check_in":
                if check_in_form.is_valid():
                    attempts_count(request=request, scope="checkin")
                    data = check_in_form.cleaned_data
                    try:
                        check_in = check_in_by_identity(staff=request.user, loyalty_card=data["loyalty_card"].strip(),
                                                        qr=data["qr"].strip(), email=data["email"].strip())
                    except Http404:
                        check_in_form.add_error(None, not_found_message())
                        status = 404
                    else:
                        request.session[CHECK_IN_SESSION_KEY] = check_in.pk
                        return redirect("store-desk")
                else:
                    status = 400
            elif action == "walk_in":
                if walk_in_form.is_valid():
                    try:
                        check_in = walk_in_register(staff=request.user, **walk_in_form.cleaned_data)
                    except ApplicationError as problem:
                        field = problem.extra.get("field")
                        walk_in_form.add_error(field if field in walk_in_form.fields else None, problem.message)
                        status = 400
                    else:
                        request.session[CHECK_IN_SESSION_KEY] = check_in.pk
                        return redirect(f"{reverse('store-desk')}?registered=1")
                else:
                    status = 400
            elif action == "select":
                check_in = check_in_get_for_staff(check_in_id=request.POST.get("check_in", ""), user=request.user)
                request.session[CHECK_IN_SESSION_KEY] = check_in.pk
                return redirect("store-desk")
            elif action == "set_pin":
                if pin_form.is_valid():
                    staff_pin_set(user=request.user, pin=pin_form.cleaned_data["pin"])
                    return redirect(f"{reverse('store-desk')}?pin=1")
                status = 400
            else:
                if current is None:
                    raise ApplicationError(_("Check a customer in first (loyalty card, QR code or email)."))
                customer = current.customer
                if action == "check_out":
                    check_in_end(check_in=current, staff=request.user)
                    request.session.pop(CHECK_IN_SESSION_KEY, None)
                    return redirect("store-desk")
                if action == "email_card":
                    address = staff_card_send(staff=request.user, customer=customer)
                    return redirect(f"{reverse('store-desk')}?card_sent={address}")
                if action == "scan":
                    scan_upload(customer=customer, uploaded_by=request.user, files=request.FILES.getlist("files"))
                    return redirect(f"{reverse('store-desk')}#scan-title")
                if action == "measure":
                    if store_measure(customer=customer, foot_forms=foot_forms):
                        return redirect(f"{reverse('store-desk')}#sets-title")
                    error, status = _("Correct the measurements marked below; nothing was saved."), 400
                elif action == "start_design":
                    if design_form.is_valid():
                        product = product_get(slug=design_form.cleaned_data["product"])
                        design = design_create(customer=customer, template=product, name="")
                        staff_lookup_record(staff=request.user, customer=customer, what="design_started")
                        return redirect(f"{reverse('configure', kwargs={'slug': product.slug})}?design={design.pk}")
                    status = 400
        except ApplicationError as problem:
            error, status = problem.message, 400
        except BrokerUnavailable as problem:
            error, status = str(problem.detail), 503
        except Http404:
            error, status = _("That customer is no longer checked in here."), 404
            current = _current_check_in(request)
    context = {
        "membership": membership,
        "check_in": current,
        "customer": current.customer if current else None,
        "error": error,
        "notice": notice,
        "registered": request.GET.get("registered") == "1",
        "pin_saved": request.GET.get("pin") == "1",
        "card_sent": request.GET.get("card_sent", "")[:254],
        "check_in_form": check_in_form,
        "walk_in_form": walk_in_form,
        "design_form": design_form,
        "pin_form": pin_form,
        "checked_in": check_in_list_for_staff(user=request.user)[:50],
        "idle_lock_s": settings.SARTORIA_TABLET_IDLE_LOCK_S,
        "scan_limits": scan_limits_text(),
        "measurement_rows": [
            (kind, foot_forms["left"][kind], foot_forms["right"][kind]) for kind in MEASUREMENT_RANGES_MM
        ],
        # each error beside its field, and this summary above the table: "Left · Ball width: Enter a number."
        "measurement_errors": [
            (f"{SIDES[side]} · {form[kind].label}", message)
            for side, form in foot_forms.items() for kind in MEASUREMENT_RANGES_MM for message in form[kind].errors
        ],
        "products": product_list(),
    }
    if current is not None:
        customer = current.customer
        sets = [measurement_set_presented(measurement_set=item) for item in measurement_set_list(customer=customer)[:5]]
        for presented in sets:
            presented["rows"] = _measurement_rows(presented)
        designs = [(design, revision_latest(design=design))
                   for design in design_list_for_customer(customer_id=customer.pk, user=request.user)[:50]]
        scans = [(scan, _scan_stage_text(scan)) for scan in customer.scans.all()[:5]]
        if request.method == "GET":  # opening the customer's page is a look-up: on their timeline
            staff_lookup_record(staff=request.user, customer=customer, what="desk")
        context.update(
            measurement_sets=sets, scans=scans, designs=designs, loyalty_card=customer_loyalty_card(customer=customer),
            timeline=customer_timeline(customer=customer, limit=30), card_urls=_card_urls(customer),
        )
    response = render(request, "customers/store.html", context, status=status)
    if status == 503:
        response["Retry-After"] = str(BrokerUnavailable.wait)
    return response


def store_finder(request: HttpRequest) -> HttpResponse:
    """Public: stores for a fitting, nearest first from the browser's location or a typed Italian city."""
    city = request.GET.get("city", "").strip()[:100]
    latitude = longitude = None
    error, status = "", 200
    try:
        if request.GET.get("latitude") and request.GET.get("longitude"):
            latitude, longitude = float(request.GET["latitude"]), float(request.GET["longitude"])
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError
    except ValueError:
        latitude = longitude = None
        error, status = _("The location must be a latitude from -90 to 90 and a longitude from -180 to 180."), 400
    if city and latitude is None and not error:
        found = city_coordinates_get(city=city)
        if found is None:
            error, status = _("We do not know %(city)s: try the nearest larger city.") % {"city": city}, 400
        else:
            latitude, longitude = found
    stores = store_list_by_distance(latitude=latitude, longitude=longitude)
    return render(request, "stores/finder.html", {
        "stores": stores, "city": city, "error": error, "cities": city_names(),
        "located": latitude is not None and bool(request.GET.get("latitude")),
    }, status=status)


@store_staff_only
def store_card(request: HttpRequest) -> HttpResponse:
    """The checked-in customer's loyalty card to print and hand over (number and barcode, bank-card size)."""
    from customers.services import barcode_svg, loyalty_card_issue

    current = _current_check_in(request)
    if current is None:
        raise Http404(_("No customer checked in on this tablet."))
    customer = current.customer
    number = customer_loyalty_card(customer=customer) or loyalty_card_issue(customer=customer).external_id
    staff_lookup_record(staff=request.user, customer=customer, what="card")
    return render(request, "stores/card.html", {
        "customer": customer, "card_number": number, "card_display": " ".join(number[i:i + 4] for i in range(0, len(number), 4)),
        "card_barcode": mark_safe(barcode_svg(number=number)),  # noqa: S308 (our own SVG of digits)
    })
