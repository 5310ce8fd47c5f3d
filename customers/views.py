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
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from config.jobs import BrokerUnavailable
from config.ratelimits import attempts_count, attempts_limited
from configurator.selectors import design_list_for_user, order_list_for_user, revision_latest, revision_latest_done
from customers.forms import SignUpForm
from customers.selectors import (
    measurement_set_list,
    measurement_set_presented,
    scan_list_for_user,
)
from customers.models import Measurement
from customers.roles import user_is_store_staff
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
def profile(request: HttpRequest, *, scan_error: str = "", erase_error: str = "") -> HttpResponse:
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
        "erase_error": erase_error,
        **_golden_record_context(request, customer),
    }
    return render(request, "customers/profile.html", context, status=400 if scan_error or erase_error else 200)


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


# --- The golden record's pages: card, consent, timeline, export and erasure, possible duplicates ----------------

def _card_context(customer) -> dict:
    from customers.matching import loyalty_card_display
    from customers.selectors import customer_loyalty_card
    from customers.services import barcode_svg, customer_qr_token, loyalty_card_issue, qr_svg

    number = customer_loyalty_card(customer=customer) or loyalty_card_issue(customer=customer).external_id
    return {"card_number": number, "card_display": loyalty_card_display(number),
            "card_barcode": mark_safe(barcode_svg(number=number)),  # noqa: S308 (our own SVG, no user text in it)
            "card_qr": mark_safe(qr_svg(text=customer_qr_token(customer=customer))),  # noqa: S308
            "qr_refresh_s": max(30, settings.SARTORIA_QR_TOKEN_MAX_AGE_S // 2)}


def _golden_record_context(request: HttpRequest, customer) -> dict:
    from customers.models import ConsentRecord
    from customers.selectors import consent_current, consent_history, customer_timeline_presented

    current = consent_current(customer=customer)
    return {
        **_card_context(customer),
        "timeline": customer_timeline_presented(customer=customer, viewer_user_id=request.user.pk, limit=100),
        "consents": [{"topic": topic, "label": ConsentRecord.Topic(topic).label, "granted": current[topic]}
                     for topic in ConsentRecord.Topic.values],
        "consent_history": consent_history(customer=customer)[:50],
    }


@login_required
def loyalty_card(request: HttpRequest) -> HttpResponse:
    """The printable card: number, barcode and QR code, sized like a bank card when printed."""
    customer = customer_get_or_create_for_user(user=request.user)
    return render(request, "customers/card.html", {"customer": customer, **_card_context(customer)})


@login_required
def loyalty_card_qr(request: HttpRequest) -> HttpResponse:
    """A fresh QR code (SVG) for the profile to swap in before the shown one expires."""
    from customers.services import customer_qr_token, qr_svg

    customer = customer_get_or_create_for_user(user=request.user)
    response = HttpResponse(qr_svg(text=customer_qr_token(customer=customer)), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def loyalty_card_email(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages

    from customers.services import loyalty_card_send

    try:
        address = loyalty_card_send(customer=customer_get_or_create_for_user(user=request.user), actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your card was sent to %(email)s.") % {"email": address})
    return redirect(f"{reverse('profile')}#card")


@login_required
@require_POST
def profile_consent(request: HttpRequest) -> HttpResponse:
    """The profile's consent form: one yes/no per channel; only a change is recorded (with where and how)."""
    from django.contrib import messages

    from customers.models import ConsentRecord
    from customers.services import consent_set

    customer = customer_get_or_create_for_user(user=request.user)
    for topic in ConsentRecord.Topic.values:
        consent_set(customer=customer, topic=topic, granted=request.POST.get(f"consent_{topic}") == "yes",
                    channel="web", method="profile page", actor=request.user)
    messages.success(request, _("Your choices were saved."))
    return redirect(f"{reverse('profile')}#consent")


@login_required
def profile_export(request: HttpRequest) -> HttpResponse:
    """Everything held about you: data.json and your files, as one zip."""
    from customers.services import customer_export_zip

    customer = customer_get_or_create_for_user(user=request.user)
    response = HttpResponse(customer_export_zip(customer=customer, actor=request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="sartoria-my-data.zip"'
    return response


@login_required
@require_POST
@attempts_limited("login")
def profile_erase(request: HttpRequest) -> HttpResponse:
    """Erase my personal data (password to confirm); then the account is logged out and cannot log in again."""
    from django.contrib.auth import logout

    from customers.services import customer_erase

    try:
        customer_erase(customer=customer_get_or_create_for_user(user=request.user),
                       password=request.POST.get("password", ""), actor=request.user)
    except ApplicationError as error:
        return profile(request, erase_error=error.message)
    logout(request)
    return render(request, "customers/erased.html")


def _merge_staff_only(view):
    """Possible duplicates are for a store manager or an admin; everyone else gets a 403."""

    @login_required
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        from customers.selectors import user_can_merge_customers

        if not user_can_merge_customers(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _customer_side(customer) -> dict:
    """One column of the side-by-side comparison."""
    from customers.selectors import consent_current, customer_loyalty_card

    return {"customer": customer, "card": customer_loyalty_card(customer=customer),
            "identities": [i for i in customer.identities.all() if i.channel != "web"],
            "login": customer.user.get_username() if customer.user_id else "",
            "counts": {"designs": customer.designs.count(), "measurement_sets": customer.measurement_sets.count(),
                       "scans": customer.scans.count(), "orders": customer.orders.count(),
                       "events": customer.touchpoints.count()},
            "consent": consent_current(customer=customer)}


@_merge_staff_only
def duplicates(request: HttpRequest) -> HttpResponse:
    """Possible duplicates to compare, and the recent merges (each can be undone)."""
    from customers.models import CustomerMerge
    from customers.selectors import merge_suggestions_open

    merges = CustomerMerge.objects.select_related("survivor", "merged", "actor", "undone_by")[:50]
    return render(request, "customers/duplicates.html", {"suggestions": merge_suggestions_open(), "merges": merges})


@_merge_staff_only
def duplicate_compare(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """Two records side by side; merge (choosing the survivor) or say they are two people."""
    from django.contrib import messages

    from customers.models import MergeSuggestion
    from customers.services import customer_merge, merge_suggestion_dismiss, merge_survivor_default

    suggestion = MergeSuggestion.objects.select_related("customer_a", "customer_b").filter(pk=suggestion_id).first()
    if suggestion is None:
        raise Http404(_("No such suggestion."))
    a, b = suggestion.customer_a, suggestion.customer_b
    error = ""
    if request.method == "POST" and suggestion.status == MergeSuggestion.Status.OPEN:
        if request.POST.get("action") == "dismiss":
            merge_suggestion_dismiss(suggestion=suggestion, actor=request.user)
            messages.success(request, _("Marked as two different people."))
            return redirect("duplicates")
        survivor_id = request.POST.get("survivor", "")
        if survivor_id not in (str(a.pk), str(b.pk)):
            error = _("Choose which record to keep.")
        else:
            survivor, merged = (a, b) if survivor_id == str(a.pk) else (b, a)
            try:
                customer_merge(source=merged, target=survivor, actor=request.user, suggestion=suggestion,
                               reason=request.POST.get("reason", "")[:500] or _("Possible duplicate"))
            except ApplicationError as problem:
                error = problem.message
            else:
                messages.success(request, _("Record #%(merged)s was merged into #%(survivor)s.") % {
                    "merged": merged.pk, "survivor": survivor.pk})
                return redirect("duplicates")
    default_survivor, _merged = merge_survivor_default(first=a, second=b)
    return render(request, "customers/duplicate_compare.html", {
        "suggestion": suggestion, "sides": [_customer_side(a), _customer_side(b)],
        "default_survivor": default_survivor.pk, "error": error}, status=400 if error else 200)


@_merge_staff_only
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    from django.contrib import messages

    from customers.models import CustomerMerge
    from customers.services import customer_merge_undo

    merge = CustomerMerge.objects.filter(pk=merge_id).first()
    if merge is None:
        raise Http404(_("No such merge."))
    try:
        customer_merge_undo(merge=merge, actor=request.user)
    except ApplicationError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The merge was undone: both records are as they were."))
    return redirect("duplicates")


def email_confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up email: the address becomes a confirmed identity of that customer."""
    from customers.services import email_confirm

    try:
        identity = email_confirm(token=token)
    except ApplicationError as error:
        return render(request, "customers/email_confirmed.html", {"error": error.message}, status=400)
    return render(request, "customers/email_confirmed.html", {"email": identity.external_id})
