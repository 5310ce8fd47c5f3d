import io

import trimesh
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.exceptions import ApplicationError
from geometry import sizing
from geometry.foot import MEASUREMENT_RANGES_MM
from django.conf import settings
from django.core import signing

from customers import matching
from customers.models import (
    ChannelIdentity,
    ConsentRecord,
    Customer,
    FootScan,
    FootScanFile,
    Measurement,
    MeasurementSet,
    TouchpointEvent,
)
# Who may do what is a read other apps need: they ask it here, through the selectors (see customers/roles.py).
from customers.roles import (  # noqa: F401
    EXPORT_PRINT_FILES_PERMISSION,
    user_can_export_print_files,
    user_is_store_staff,
    user_sees_all_designs,
)


def customer_survivor(*, customer: Customer | None) -> Customer | None:
    """A merged record leads to the record it was merged into (followed to the end)."""
    seen = set()
    while customer is not None and customer.merged_into_id and customer.pk not in seen:
        seen.add(customer.pk)
        customer = Customer.objects.filter(pk=customer.merged_into_id).first()
    return customer


def customer_for_user_get(*, user: AbstractBaseUser) -> Customer | None:
    if user is None or not user.is_authenticated:
        return None
    return customer_survivor(customer=Customer.objects.filter(user=user).first())


def measurement_set_list(*, customer: Customer | None) -> QuerySet[MeasurementSet]:
    if customer is None:
        return MeasurementSet.objects.none()
    return customer.measurement_sets.prefetch_related("measurements")


def measurement_set_get_for_user(*, measurement_set_id: int, user: AbstractBaseUser) -> MeasurementSet:
    """Only the customer's own sets: someone else's is a 404, so ids reveal nothing."""
    customer = customer_for_user_get(user=user)
    found = measurement_set_list(customer=customer).filter(pk=measurement_set_id).first()
    if found is None:
        raise Http404(_("No such measurement set."))
    return found


def _by_side(measurement_set: MeasurementSet, value, keep) -> dict[str, dict[str, float]]:
    """`value(measurement)` of the set's measurements that `keep`, as {side: {kind: value}}, left before right."""
    grouped: dict[str, dict[str, float]] = {}
    for measurement in measurement_set.measurements.all():
        if keep(measurement):
            grouped.setdefault(measurement.side, {})[measurement.kind] = value(measurement)
    return {side: grouped[side] for side in (Measurement.Side.LEFT, Measurement.Side.RIGHT) if side in grouped}


def measurement_set_feet(*, measurement_set: MeasurementSet) -> dict[str, dict[str, float]]:
    """The set as the measurements format: {"left": {"length_mm": ...}, "right": {...}}."""
    # the six the products are built from
    return _by_side(measurement_set, lambda m: m.value_mm, lambda m: m.kind in MEASUREMENT_RANGES_MM)


def measurement_set_uncertainty(*, measurement_set: MeasurementSet) -> dict[str, dict[str, float]]:
    """Plus or minus mm of each scanned measurement, by side (typed sets have none: an empty dict)."""
    return _by_side(measurement_set, lambda m: m.uncertainty_mm, lambda m: m.uncertainty_mm is not None)


def measurement_set_latest(*, customer: Customer | None) -> MeasurementSet | None:
    return measurement_set_list(customer=customer).first()


def measurement_kinds_presented() -> list[dict]:
    """The six measurements a product is built from, with their label in the reader's language and range in mm."""
    return [
        {"name": name, "label": str(Measurement.Kind(name).label), "min": low, "max": high}
        for name, (low, high) in MEASUREMENT_RANGES_MM.items()
    ]


def measurement_set_extras(*, measurement_set: MeasurementSet) -> dict[str, dict[str, float]]:
    """Measurements beyond the six the products use (a scan's toe-box height), by side."""
    return _by_side(measurement_set, lambda m: m.value_mm, lambda m: m.kind not in MEASUREMENT_RANGES_MM)


# lazy: a module-level gettext would fix the language of whoever imported the module first
WIDTH_LABELS = {"narrow": gettext_lazy("narrow"), "standard": gettext_lazy("standard"), "wide": gettext_lazy("wide"),
                "extra_wide": gettext_lazy("extra wide")}
SIDE_LABELS = {"left": gettext_lazy("left"), "right": gettext_lazy("right")}


LENGTH_UNCERTAINTY_TEXTS = {  # lazy: translated when shown, in the reader's language
    "one_size": gettext_lazy("Your %(side)s foot measures %(length)s ± %(plus_minus)s mm: that is EU %(picked)s either way."),
    "between_sizes": gettext_lazy("Your %(side)s foot measures %(length)s ± %(plus_minus)s mm, between EU %(low)s and %(high)s; "
                       "the larger, EU %(picked)s, is picked (a shoe a little long can be padded, one too short hurts)."),
    "uncertain_length": gettext_lazy("Your %(side)s foot measures %(length)s ± %(plus_minus)s mm, anywhere from EU %(low)s to "
                          "%(high)s; EU %(picked)s is the measured length's size. A better scan or a measured length "
                          "would narrow it."),
}


def length_uncertainty_presented(*, judged: dict | None) -> str:
    """What the scanned length's plus or minus means for the size, in the reader's language ("" when exact)."""
    if not judged:
        return ""
    return str(LENGTH_UNCERTAINTY_TEXTS[judged["code"]]) % {
        "side": _(judged["side"]), "length": formats.localize(round(judged["length_mm"], 1)),
        "plus_minus": formats.localize(judged["uncertainty_mm"]), "low": judged["sizes"][0],
        "high": judged["sizes"][-1], "picked": judged["picked"]}


def size_presented(*, feet: dict, uncertainty: dict | None = None) -> dict | None:
    """The size recommendation with its reason, the length's uncertainty and width in the reader's language."""
    if not feet:
        return None
    lengths = {side: values["length_mm"] for side, values in (uncertainty or {}).items() if "length_mm" in values}
    size = sizing.size_recommend(feet, uncertainty_mm=lengths or None)
    reason = size["reason"]
    side = str(SIDE_LABELS[reason["side"]])
    if reason["code"] == "longer_foot":
        text = _("Your %(side)s foot is %(difference)s mm longer; sized to it.") % {
            "side": side, "difference": formats.localize(reason["difference_mm"])}
    elif reason["code"] == "same_length":
        text = _("Your feet are the same length; sized to them.")
    else:
        text = _("Only your %(side)s foot was measured; sized to it.") % {"side": side}
    uncertain = length_uncertainty_presented(judged=size["length_uncertainty"])
    return {**size, "reason_display": f"{text} {uncertain}".strip(),
            "width_label": str(WIDTH_LABELS.get(size["width"]["fitting"], size["width"]["fitting"]))}


def measurement_set_presented(*, measurement_set: MeasurementSet) -> dict:
    """A set as people read it: values per side, where they came from, and the size it gives."""
    feet = measurement_set_feet(measurement_set=measurement_set)
    uncertainty = measurement_set_uncertainty(measurement_set=measurement_set)
    return {
        "id": measurement_set.pk,
        "source": measurement_set.source,
        "source_label": str(measurement_set.get_source_display()),
        "measured_at": measurement_set.measured_at,
        "feet": feet,
        "extras": measurement_set_extras(measurement_set=measurement_set),
        "uncertainty": uncertainty,
        "size": size_presented(feet=feet, uncertainty=uncertainty),
    }


def scan_list_for_user(*, user: AbstractBaseUser) -> QuerySet[FootScan]:
    """A customer's own scans; store staff see the scans they took; admins see all."""
    scans = FootScan.objects.select_related("customer", "measurement_set").prefetch_related("files")
    if not user.is_authenticated:
        return scans.none()
    if user.is_superuser:
        return scans
    return scans.filter(Q(customer__user=user) | Q(uploaded_by=user))


def scan_get_for_user(*, scan_id: int, user: AbstractBaseUser) -> FootScan:
    found = scan_list_for_user(user=user).filter(pk=scan_id).first()
    if found is None:
        raise Http404(_("No such scan."))
    return found


def scan_foot_file_for_set(*, measurement_set: MeasurementSet | None, side: str) -> FootScanFile | None:
    """The cleaned scanned foot behind a measurement set, when the set came from a scan of that side."""
    if measurement_set is None or measurement_set.source != MeasurementSet.Source.SCAN:
        return None
    return FootScanFile.objects.filter(scan__measurement_set=measurement_set, side=side).exclude(foot="").first()


def scan_foot_mesh(*, measurement_set: MeasurementSet | None, side: str) -> trimesh.Trimesh | None:
    """The cleaned scanned foot (canonical frame, mm) of that side, or None when the set is not from a scan."""
    scanned = scan_foot_file_for_set(measurement_set=measurement_set, side=side)
    if scanned is None:
        return None
    with scanned.foot.open("rb") as handle:
        return trimesh.load(io.BytesIO(handle.read()), file_type="ply", process=False)


def _identity_customer(*, channel: str, external_id: str, **filters) -> Customer | None:
    identity = (ChannelIdentity.objects.select_related("customer")
                .filter(channel=channel, external_id=external_id, customer__erased_at__isnull=True, **filters).first())
    return customer_survivor(customer=identity.customer) if identity else None


def customer_find_by_loyalty_card(*, number: str) -> Customer | None:
    """The customer holding this card (printed spaces and dashes ignored); a card with a wrong check digit finds
    nobody. A card of a merged record finds the survivor."""
    key = matching.loyalty_card_lookup_key(number)
    if key is None:
        return None
    return _identity_customer(channel=ChannelIdentity.Channel.LOYALTY, external_id=key)


def customer_find_by_email(*, email: str) -> Customer | None:
    """
    The customer this email names, deterministically: the one who confirmed it; else the one account (a login
    with a password) that holds it unconfirmed. Several unconfirmed holders, or only records without a login,
    find nobody: never "the first one".
    """
    try:
        normalised = matching.email_normalise(email)
    except matching.IdentityError:
        return None
    verified = _identity_customer(channel=ChannelIdentity.Channel.EMAIL, external_id=normalised, verified=True)
    if verified is not None:
        return verified
    holders = {
        identity.customer for identity in ChannelIdentity.objects.select_related("customer__user").filter(
            channel=ChannelIdentity.Channel.EMAIL, external_id=normalised, customer__erased_at__isnull=True,
            customer__merged_into__isnull=True, customer__user__isnull=False)
        if identity.customer.user.has_usable_password()
    }
    return holders.pop() if len(holders) == 1 else None


def email_is_taken(*, email: str, exclude_customer: Customer | None = None) -> bool:
    """Signing up with it is refused: someone confirmed it, or an account (with a password) already uses it."""
    normalised = email.strip().lower()
    identities = ChannelIdentity.objects.filter(channel=ChannelIdentity.Channel.EMAIL, external_id=normalised,
                                                customer__erased_at__isnull=True)
    if exclude_customer is not None:
        identities = identities.exclude(customer=exclude_customer)
    if identities.filter(verified=True).exists():
        return True
    return any(identity.customer.user.has_usable_password()
               for identity in identities.filter(customer__user__isnull=False).select_related("customer__user"))


def customer_from_qr_token(*, token: str) -> Customer | None:
    """The customer whose QR code this is, while the token is fresh (SARTORIA_QR_TOKEN_MAX_AGE_S); else None."""
    from customers.services.loyalty import QR_TOKEN_SALT

    try:
        value = signing.TimestampSigner(salt=QR_TOKEN_SALT).unsign(
            str(token or "").strip(), max_age=getattr(settings, "SARTORIA_QR_TOKEN_MAX_AGE_S", 900))
    except (signing.BadSignature, ValueError):
        return None
    customer_id = value.split(".", 1)[0]
    if not customer_id.isdigit():
        return None
    return customer_survivor(customer=Customer.objects.filter(pk=int(customer_id), erased_at__isnull=True).first())


def customer_loyalty_card(*, customer: Customer) -> str | None:
    """The card the customer shows: the first one issued to this record (a merged record's cards still work)."""
    identity = customer.identities.filter(channel=ChannelIdentity.Channel.LOYALTY).order_by("created_at", "pk").first()
    return identity.external_id if identity else None


def customer_timeline(*, customer: Customer, limit: int = 200) -> list[TouchpointEvent]:
    """The customer's touchpoints, newest first, with store and actor loaded."""
    return list(customer.touchpoints.select_related("store", "actor").order_by("-at", "-pk")[:limit])


def consent_current(*, customer: Customer) -> dict[str, bool | None]:
    """The consent in force per topic ({"email": True, "sms": None}): the latest record; None when never asked."""
    current: dict[str, bool | None] = {topic: None for topic in ConsentRecord.Topic.values}
    for record in customer.consents.order_by("at", "pk"):
        current[record.topic] = record.granted
    return current


def consent_history(*, customer: Customer) -> list[ConsentRecord]:
    return list(customer.consents.select_related("store", "actor").order_by("-at", "-pk"))


def customer_me_presented(*, customer: Customer, user: AbstractBaseUser) -> dict:
    """What GET /api/me/ answers."""
    return {
        "id": customer.pk,
        "username": user.get_username(),
        "name": str(customer) if (customer.full_name or customer.first_name or customer.last_name) else "",
        "email": customer.email,
        "is_guest": customer.is_guest,
        "loyalty_card": customer_loyalty_card(customer=customer),
        "identities": [{"channel": identity.channel, "value": identity.external_id, "verified": identity.verified}
                       for identity in customer.identities.exclude(channel=ChannelIdentity.Channel.WEB)],
        "consent": consent_current(customer=customer),
    }


def user_can_merge_customers(user: AbstractBaseUser) -> bool:
    """Merging records is for a store manager or an admin (stores.selectors.staff_role_get gives the role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    from stores.selectors import staff_role_get

    return staff_role_get(user=user) == "manager"


def merge_suggestions_open(*, limit: int = 200) -> list:
    """Open suggestions whose two records both still stand (not merged away, not erased), newest first."""
    from customers.models import MergeSuggestion

    return list(MergeSuggestion.objects.filter(
        status=MergeSuggestion.Status.OPEN, customer_a__merged_into__isnull=True, customer_b__merged_into__isnull=True,
        customer_a__erased_at__isnull=True, customer_b__erased_at__isnull=True,
    ).select_related("customer_a", "customer_b")[:limit])


TOUCHPOINT_DETAILS = {  # lazy: in the reader's language when shown
    "consent_granted": gettext_lazy("%(topic)s: yes"),
    "consent_withdrawn": gettext_lazy("%(topic)s: no"),
    "measurements": gettext_lazy("Measurement set %(set)s (%(source)s)"),
    "scan": gettext_lazy("Scan #%(scan)s uploaded"),
    "merge": gettext_lazy("Record #%(other)s merged into this one"),
    "merge_undone": gettext_lazy("A merge was undone"),
    "order": gettext_lazy("Order #%(order)s"),
    "order_status": gettext_lazy("Order #%(order)s: %(status)s"),
    "export": gettext_lazy("Download of your data (%(format)s)"),
}


def touchpoint_presented(*, event: TouchpointEvent, viewer_user_id: int | None = None) -> dict:
    """One timeline line as people read it: what, where (channel and store), by whom, when."""
    data = event.data or {}
    detail = ""
    try:
        if event.kind == "consent" and "topic" in data:
            topic = ConsentRecord.Topic(data["topic"]).label
            detail = TOUCHPOINT_DETAILS["consent_granted" if data.get("granted") else "consent_withdrawn"] % {"topic": topic}
        elif event.kind == "measurements" and "measurement_set" in data:
            source = MeasurementSet.Source(data.get("source", "typed")).label
            detail = TOUCHPOINT_DETAILS["measurements"] % {"set": data["measurement_set"], "source": source}
        elif event.kind == "scan" and "scan" in data:
            detail = TOUCHPOINT_DETAILS["scan"] % {"scan": data["scan"]}
        elif event.kind == "merge":
            detail = str(TOUCHPOINT_DETAILS["merge_undone"]) if data.get("undone") else (
                TOUCHPOINT_DETAILS["merge"] % {"other": data.get("merged_customer", "?")})
        elif event.kind == "order" and "order" in data:
            detail = TOUCHPOINT_DETAILS["order"] % {"order": data["order"]}
        elif event.kind == "order_status" and "order" in data:
            detail = TOUCHPOINT_DETAILS["order_status"] % {"order": data["order"], "status": data.get("status", "")}
        elif event.kind == "export":
            detail = TOUCHPOINT_DETAILS["export"] % {"format": data.get("format", "json")}
    except (ValueError, KeyError, TypeError):  # data written by an older or another app's version: show the kind only
        detail = ""
    actor = event.actor
    by = ""
    if actor is not None and actor.pk != viewer_user_id:
        by = actor.get_full_name() or actor.get_username()
    return {"id": event.pk, "kind": event.kind, "kind_label": str(event.get_kind_display()),
            "channel": event.channel, "channel_label": str(event.get_channel_display()),
            "store": event.store.name if event.store_id else "", "by": by, "detail": str(detail), "at": event.at}


def customer_timeline_presented(*, customer: Customer, viewer_user_id: int | None = None, limit: int = 200) -> list[dict]:
    return [touchpoint_presented(event=event, viewer_user_id=viewer_user_id)
            for event in customer_timeline(customer=customer, limit=limit)]


def customer_find_for_store(*, email: str = "", loyalty_card: str = "") -> Customer:
    """Store staff find a customer by loyalty card or email; nothing found is a clear 404."""
    customer = None
    if loyalty_card:
        customer = customer_find_by_loyalty_card(number=loyalty_card)
    elif email:
        customer = customer_find_by_email(email=email)
    if customer is None:
        raise Http404(_("No customer with that loyalty card or email."))
    return customer


def store_customer_checked_in(*, customer_id: int | None) -> Customer:
    """The customer checked in at this tablet; none checked in is a clear error, not someone else's data."""
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        raise ApplicationError(_("check a customer in first (loyalty card or email)."), {"field": "customer"})
    return customer


def measurement_kind_label(kind: str) -> str:
    """A measurement's name in the reader's language ("Ball girth", "Circonferenza metatarsale")."""
    return str(Measurement.Kind(kind).label)


def measurement_side_label(side: str) -> str:
    return str(Measurement.Side(side).label)
