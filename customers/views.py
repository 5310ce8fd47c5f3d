"""Account pages: sign up, start as a guest, log in (a guest's work moves into the account), the profile."""
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from configurator.selectors import design_list_for_user, order_list_for_user, revision_latest
from customers.forms import SignUpForm
from customers.selectors import measurement_set_list, measurement_set_presented, scan_list_for_user
from customers.models import Measurement
from customers.services import (
    account_sign_up,
    customer_get_or_create_for_user,
    guest_merge_into_account,
    guest_start,
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
        login(request, guest_start(), backend="django.contrib.auth.backends.ModelBackend")
    return redirect(_next_url(request, "home"))


class AccountLoginView(LoginView):
    """Django's login; a guest who logs in to an existing account brings their designs along."""

    def form_valid(self, form):
        guest_user = self.request.user if self.request.user.is_authenticated else None
        response = super().form_valid(form)
        guest_merge_into_account(guest_user=guest_user, account=form.get_user())
        return response


def _measurement_rows(presented: dict) -> list[dict]:
    """One row per measurement kind present in the set, values per side (with the scan-only extras)."""
    rows = []
    for kind in Measurement.Kind:
        values = {
            side: presented["feet"].get(side, {}).get(kind.value, presented["extras"].get(side, {}).get(kind.value))
            for side in ("left", "right")
        }
        if any(value is not None for value in values.values()):
            rows.append({"label": kind.label, **{side: formats.localize(round(value, 1)) if value is not None else None for side, value in values.items()}})
    return rows


@login_required
def profile(request: HttpRequest, *, scan_error: str = "") -> HttpResponse:
    customer = customer_get_or_create_for_user(user=request.user)
    designs = [
        (design, revision_latest(design=design))
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
    try:
        scan_upload(
            customer=customer_get_or_create_for_user(user=request.user),
            uploaded_by=request.user,
            files=request.FILES.getlist("files"),
        )
    except ApplicationError as error:
        return profile(request, scan_error=error.message)
    return redirect(f"{reverse('profile')}#measurements")
