"""Merging two records of one person, and undoing it exactly; merge suggestions for staff."""
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from customers import matching
from customers.models import ChannelIdentity, Customer, CustomerMerge, MergeSuggestion, TouchpointEvent
from customers.services.timeline import touchpoint_record

# Rows that describe merges themselves, not what a customer owns: they never move.
NOT_MOVED = {"customers.CustomerMerge", "customers.MergeSuggestion", "customers.Customer"}


def customer_links() -> list[tuple[type[models.Model], models.Field]]:
    """Every foreign key to Customer in every installed app (found from the model meta, so tables other apps add,
    such as check-ins or print jobs, move too), as (model, field), in a stable order."""
    links = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label in NOT_MOVED:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Customer and (field.many_to_one or field.one_to_one):
                links.append((model, field))
    return sorted(links, key=lambda link: (link[0]._meta.label, link[1].name))


def link_key(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label}.{field.name}"


def _link_from_key(key: str) -> tuple[type[models.Model], models.Field] | None:
    label, _sep, field_name = key.rpartition(".")
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return model, model._meta.get_field(field_name)


def _rows_to_move(model, field, source: Customer, survivor: Customer) -> list[int]:
    rows = model._base_manager.filter(**{field.name: source})
    if model is ChannelIdentity:
        # An identity both records hold (the same unverified email) stays with the merged record: one copy is enough.
        held = survivor.identities.values_list("channel", "external_id")
        duplicate = models.Q(pk__in=[])
        for channel, external_id in held:
            duplicate |= models.Q(channel=channel, external_id=external_id)
        rows = rows.exclude(duplicate)
    return sorted(rows.values_list("pk", flat=True))


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, actor: AbstractBaseUser | None = None, reason: str = "",
                   suggestion: MergeSuggestion | None = None) -> Customer:
    """
    Move everything of `source` to `target` (the survivor) and record exactly what moved, so it can be undone.

    Designs, measurement sets, scans, orders, events, identities, consents and any row of any app that points at
    the customer move. The merged record stays, empty, and leads to the survivor (its card, its login).
    """
    if source.pk == target.pk:
        return target
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = locked[source.pk], locked[target.pk]
    for customer in (source, target):
        if customer.merged_into_id:
            raise ApplicationError(_("Customer %(id)s was already merged into another record.") % {"id": customer.pk},
                                   {"field": "customer", "value": customer.pk})
        if customer.erased_at:
            raise ApplicationError(_("Customer %(id)s was erased; an erased record cannot be merged.") % {"id": customer.pk},
                                   {"field": "customer", "value": customer.pk})
    moved: dict[str, list[int]] = {}
    for model, field in customer_links():
        ids = _rows_to_move(model, field, source, target)
        if not ids:
            continue
        try:
            with transaction.atomic():
                model._base_manager.filter(pk__in=ids).update(**{field.name: target})
        except IntegrityError as error:
            raise ApplicationError(
                _("These records cannot be merged: both have a %(what)s that may exist only once.") % {
                    "what": model._meta.verbose_name}, {"field": link_key(model, field), "detail": str(error)}) from None
        moved[link_key(model, field)] = ids
    extra: dict = {}
    user = source.user
    if user is not None:
        if target.user_id is None:  # the survivor takes the login, so the person logs in to the whole record
            source.user = None
            source.save(update_fields=["user"])
            target.user = user
            target.save(update_fields=["user"])
            extra["user_moved"] = user.pk
        elif not user.has_usable_password():  # a guest's throwaway login, done with once they log in
            extra["guest_user_deleted"] = user.pk
            source.user = None
            source.save(update_fields=["user"])
            user.delete()
        else:  # two accounts of one person: the survivor's login stays, the other is switched off (undo: back on)
            user.is_active = False
            user.save(update_fields=["is_active"])
            extra["user_deactivated"] = user.pk
    filled = matching.merge_profile_fill(
        {name: getattr(target, name) for name in matching.PROFILE_FIELDS},
        {name: getattr(source, name) for name in matching.PROFILE_FIELDS})
    if filled:
        for name, value in filled.items():
            setattr(target, name, value)
        target.save(update_fields=[*filled, "updated_at"])
        extra["filled"] = filled
    extra["was_guest"] = source.is_guest
    source.merged_into = target
    source.is_guest = False
    source.save(update_fields=["merged_into", "is_guest", "updated_at"])
    merge = CustomerMerge.objects.create(survivor=target, merged=source, actor=_user_or_none(actor), reason=reason[:500],
                                         moved=moved, extra=extra, suggestion=suggestion)
    if suggestion is not None:
        MergeSuggestion.objects.filter(pk=suggestion.pk).update(status=MergeSuggestion.Status.MERGED,
                                                                resolved_by=_user_or_none(actor), resolved_at=timezone.now())
    touchpoint_record(customer=target, kind=TouchpointEvent.Kind.MERGE, channel=TouchpointEvent.Channel.WEB,
                      actor=actor, data={"merge": merge.pk, "merged_customer": source.pk,
                                         "moved": {key: len(ids) for key, ids in moved.items()}})
    return target


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@transaction.atomic
def customer_merge_undo(*, merge: CustomerMerge, actor: AbstractBaseUser | None = None) -> CustomerMerge:
    """Put back exactly the rows that moved (those still with the survivor), the login and the filled fields."""
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ApplicationError(_("This merge was already undone."), {"field": "merge", "value": merge.pk})
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[merge.survivor_id, merge.merged_id])}
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    if survivor.merged_into_id:
        raise ApplicationError(_("The surviving record was merged again since; undo that merge first."),
                               {"field": "merge", "value": merge.pk})
    if survivor.erased_at:
        raise ApplicationError(_("The surviving record was erased; its merge cannot be undone."),
                               {"field": "merge", "value": merge.pk})
    for key, ids in merge.moved.items():
        link = _link_from_key(key)
        if link is None:
            continue
        model, field = link
        model._base_manager.filter(pk__in=ids, **{field.name: survivor}).update(**{field.name: merged})
    extra = merge.extra or {}
    if extra.get("user_moved") and survivor.user_id == extra["user_moved"]:
        survivor.user = None
        survivor.save(update_fields=["user"])
        merged.user_id = extra["user_moved"]
    if extra.get("user_deactivated"):
        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(pk=extra["user_deactivated"]).update(is_active=True)
    restored = {name: "" for name, value in (extra.get("filled") or {}).items() if getattr(survivor, name) == value}
    if restored:
        for name, value in restored.items():
            setattr(survivor, name, value)
        survivor.save(update_fields=[*restored, "updated_at"])
    merged.merged_into = None
    merged.is_guest = bool(extra.get("was_guest")) and merged.user_id is not None
    merged.save(update_fields=["merged_into", "is_guest", "user", "updated_at"])
    merge.undone_at, merge.undone_by = timezone.now(), _user_or_none(actor)
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.suggestion_id:
        MergeSuggestion.objects.filter(pk=merge.suggestion_id).update(status=MergeSuggestion.Status.OPEN,
                                                                      resolved_by=None, resolved_at=None)
    for customer in (survivor, merged):
        touchpoint_record(customer=customer, kind=TouchpointEvent.Kind.MERGE, channel=TouchpointEvent.Channel.WEB,
                          actor=actor, data={"merge": merge.pk, "undone": True})
    return merge


def merge_suggestion_create(*, first_id: int, second_id: int, reason: dict) -> MergeSuggestion:
    """One open suggestion per pair of records; asking again returns it unchanged."""
    a, b = matching.suggestion_pair(first_id, second_id)
    suggestion = MergeSuggestion.objects.filter(customer_a_id=a, customer_b_id=b, status=MergeSuggestion.Status.OPEN).first()
    if suggestion is not None:
        return suggestion
    try:
        with transaction.atomic():
            return MergeSuggestion.objects.create(customer_a_id=a, customer_b_id=b, reason=reason)
    except IntegrityError:  # made at the same moment by another request
        return MergeSuggestion.objects.get(customer_a_id=a, customer_b_id=b, status=MergeSuggestion.Status.OPEN)


@transaction.atomic
def merge_suggestion_dismiss(*, suggestion: MergeSuggestion, actor: AbstractBaseUser) -> MergeSuggestion:
    """Staff say the two records are two people."""
    suggestion.status = MergeSuggestion.Status.DISMISSED
    suggestion.resolved_by, suggestion.resolved_at = _user_or_none(actor), timezone.now()
    suggestion.save(update_fields=["status", "resolved_by", "resolved_at"])
    return suggestion


def merge_survivor_default(*, first: Customer, second: Customer) -> tuple[Customer, Customer]:
    """(survivor, merged) by the pure precedence rule (customers.matching.merge_survivor_choose)."""
    def candidate(customer: Customer) -> matching.MergeCandidate:
        return matching.MergeCandidate(
            id=customer.pk, has_login=bool(customer.user_id and customer.user.has_usable_password()),
            verified_emails=customer.identities.filter(channel=ChannelIdentity.Channel.EMAIL, verified=True).count(),
            orders=customer.orders.count(), designs=customer.designs.count(), created_at=customer.created_at.timestamp())

    survivor_id, _merged_id = matching.merge_survivor_choose(candidate(first), candidate(second))
    return (first, second) if survivor_id == first.pk else (second, first)
