"""Account pages: sign up, start as a guest, log in (a guest's work moves into the account), the profile."""
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from config.jobs import BrokerUnavailable
from config.ratelimits import attempts_count, attempts_limited
from configurator.selectors import design_list_for_user, order_list_for_user, revision_latest, revision_latest_done
from customers.forms import FootMeasurementsForm, SignUpForm
from customers.selectors import (
    customer_find_for_store,
    measurement_set_list,
    measurement_set_presented,
    scan_list_for_user,
    store_customer_checked_in,
)
from geometry.foot import MEASUREMENT_RANGES_MM
from customers.models import Measurement, MeasurementSet
from customers.roles import user_is_store_staff
from customers.services import (
    account_sign_up,
    customer_get_or_create_for_user,
    guest_merge_into_account,
    guest_start,
    measurement_set_record,
    scan_limits_text,
    scan_upload,
)


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = account_sign_up(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.extra.get("field"), error.message)
        else:
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_url(request, "profile"))
    return render(request, "registration/signup.html", {"form": form, "next": _next_url(request, "")}, status=400 if form.errors else 200)


@require_POST
def guest_begin(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        attempts_count(request=request, scope="guest")
        login(request, guest_start(), backend="django.contrib.auth.backends.ModelBackend")
    return redirect(_next_url(request, "home"))


class AccountLoginView(LoginView):
    """Django's login; a guest who logs in to an existing account brings their designs along."""

    @method_decorator(attempts_limited("login"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        # store staff start their day at the fitting desk, not on the shop's home page
        if user_is_store_staff(self.request.user):
            return reverse("store-desk")
        return super().get_default_redirect_url()

    def get_context_data(self, **kwargs):
        # The demo password is public only where the launcher loaded the demo users (SQLite default or --demo).
        return {**super().get_context_data(**kwargs), "demo_users": settings.SARTORIA_DEMO_USERS}

    def form_valid(self, form):
        guest_user = self.request.user if self.request.user.is_authenticated else None
        response = super().form_valid(form)
        guest_merge_into_account(guest_user=guest_user, account=form.get_user())
        return response


def _with_uncertainty(value: float, plus_minus: float | None) -> str:
    """A measurement as read: "268,4" typed, "268,4 ± 1,1" scanned."""
    shown = formats.localize(round(value, 1))
    return shown if plus_minus is None else f"{shown} ± {formats.localize(round(plus_minus, 1))}"


def _measurement_rows(presented: dict) -> list[dict]:
    """One row per measurement kind present in the set, values per side (with the scan-only extras)."""
    rows = []
    for kind in Measurement.Kind:
        values = {
            side: presented["feet"].get(side, {}).get(kind.value, presented["extras"].get(side, {}).get(kind.value))
            for side in ("left", "right")
        }
        if any(value is not None for value in values.values()):
            rows.append({"label": kind.label, **{side: _with_uncertainty(value, presented.get("uncertainty", {}).get(side, {}).get(kind.value))
                                                 if value is not None else None for side, value in values.items()}})
    return rows


@login_required
def profile(request: HttpRequest, *, scan_error: str = "") -> HttpResponse:
    customer = customer_get_or_create_for_user(user=request.user)
    designs = [
        (design, revision_latest(design=design), revision_latest_done(design=design))
        for design in design_list_for_user(user=request.user).filter(customer=customer, deleted_at__isnull=True)[:200]
    ]
    measurement_sets = [measurement_set_presented(measurement_set=item) for item in measurement_set_list(customer=customer)[:50]]
    for presented in measurement_sets:
        presented["rows"] = _measurement_rows(presented)
    context = {
        "customer": customer,
        "measurement_sets": measurement_sets,
        "designs": designs,
        "orders": order_list_for_user(user=request.user).filter(customer=customer),
        "scans": scan_list_for_user(user=request.user).filter(customer=customer)[:20],
        "scan_limits": scan_limits_text(),
        "scan_error": scan_error,
    }
    return render(request, "customers/profile.html", context, status=400 if scan_error else 200)


@login_required
@require_POST
def profile_scan_upload(request: HttpRequest) -> HttpResponse:
    """The web form for scans: the same checks and limits as the API, errors shown on the profile page."""
    attempts_count(request=request, scope="upload")
    try:
        scan_upload(
            customer=customer_get_or_create_for_user(user=request.user),
            uploaded_by=request.user,
            files=request.FILES.getlist("files"),
        )
    except ApplicationError as error:
        return profile(request, scan_error=error.message)
    except BrokerUnavailable as error:  # nothing was stored: say so, and when to try again
        return queue_unavailable(profile(request, scan_error=str(error.detail)), error)
    return redirect(f"{reverse('profile')}#measurements")


def queue_unavailable(response: HttpResponse, error: BrokerUnavailable) -> HttpResponse:
    response.status_code = 503
    response["Retry-After"] = str(error.wait)
    return response


STORE_SESSION_KEY = "store_customer_id"


def _store_staff_only(view):
    """The fitting desk is for store staff: everyone else gets a 403."""

    @login_required
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_is_store_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@_store_staff_only
def store_desk(request: HttpRequest) -> HttpResponse:
    """
    The fitting tablet: check a customer in by loyalty card or email, then scan or measure their feet.

    Staff see only the customer checked in on this tablet (kept in the session), never a list of customers.
    A refused measurement keeps every typed value and shows each error beside its field.
    """
    error, status = "", 200
    action = request.POST.get("action", "")
    foot_forms = store_foot_forms(request.POST if action == "measure" else None)
    if request.method == "POST":
        try:
            if action == "check_in":
                customer = customer_find_for_store(
                    email=request.POST.get("email", "").strip(), loyalty_card=request.POST.get("loyalty_card", "").strip()
                )
                request.session[STORE_SESSION_KEY] = customer.pk
            elif action == "check_out":
                request.session.pop(STORE_SESSION_KEY, None)
            elif action == "scan":
                customer = store_customer_checked_in(customer_id=request.session.get(STORE_SESSION_KEY))
                scan_upload(customer=customer, uploaded_by=request.user, files=request.FILES.getlist("files"))
            elif action == "measure":
                customer = store_customer_checked_in(customer_id=request.session.get(STORE_SESSION_KEY))
                if not store_measure(customer=customer, foot_forms=foot_forms):
                    raise ApplicationError(_("Correct the measurements marked below; nothing was saved."))
            return redirect("store-desk")
        except ApplicationError as problem:
            error, status = problem.message, 400
        except BrokerUnavailable as problem:
            error, status = str(problem.detail), 503
        except Http404:
            error, status = _("No customer with that loyalty card or email."), 404
    customer_id = request.session.get(STORE_SESSION_KEY)
    customer = store_customer_checked_in(customer_id=customer_id) if customer_id else None
    context = {
        "customer": customer, "error": error, "scan_limits": scan_limits_text(),
        "measurement_rows": [
            (Measurement.Kind(kind).label, foot_forms["left"][kind], foot_forms["right"][kind])
            for kind in MEASUREMENT_RANGES_MM
        ],
        "measurement_errors": [
            (f"{Measurement.Side(side).label} · {form[kind].label}", message)
            for side, form in foot_forms.items() for kind in MEASUREMENT_RANGES_MM
            for message in form[kind].errors
        ],
    }
    if customer is not None:
        sets = [measurement_set_presented(measurement_set=item) for item in measurement_set_list(customer=customer)[:5]]
        for presented in sets:
            presented["rows"] = _measurement_rows(presented)
        context.update(measurement_sets=sets, scans=customer.scans.all()[:5])
    response = render(request, "customers/store.html", context, status=status)
    if status == 503:
        response["Retry-After"] = str(BrokerUnavailable.wait)
    return response


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
        measurement_set_record(customer=customer, feet=feet, source=MeasurementSet.Source.STORE)
    except ApplicationError as problem:
        # the feet as a whole (e.g. a girth that cannot go round that width): shown beside the field it names
        _, side, kind = (problem.extra.get("field", "") + "..").split(".")[:3]
        if side in foot_forms and kind in MEASUREMENT_RANGES_MM:
            foot_forms[side].add_error(kind, problem.message)
            return False
        raise
    return True
