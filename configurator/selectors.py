from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _

from configurator.models import Design, DesignRevision, Order, OrderEvent, ProductTemplate, RevisionFile
from customers.selectors import user_sees_all_designs
from stores.selectors import customer_checked_in_get, customer_ids_checked_in_for_staff

User = AbstractBaseUser | AnonymousUser


def product_list() -> QuerySet[ProductTemplate]:
    return ProductTemplate.objects.filter(is_active=True)


def product_get(*, slug: str) -> ProductTemplate:
    product = product_list().filter(slug=slug).first()
    if product is None:
        raise Http404(_("No product %(slug)r.") % {"slug": slug})
    return product


# Orders whose designs production may open: every order not cancelled (the print queue itself lists paid ones).
ORDER_STATUSES_FOR_PRODUCTION = tuple(status for status in Order.Status.values if status != Order.Status.CANCELLED)


def _production_only(user: User) -> bool:
    """Production staff see what was ordered, nothing else; admins, who support everyone, see all."""
    return user_sees_all_designs(user) and not user.is_superuser


def design_list_for_user(*, user: User) -> QuerySet[Design]:
    """The designs this user may open: their own; production those with an order to make; admins every design."""
    designs = Design.objects.select_related("template", "customer")
    if not user.is_authenticated:
        return designs.none()
    if _production_only(user):
        # an ordered design stays visible after its owner hid it: the order still has to be made
        return designs.filter(orders__status__in=ORDER_STATUSES_FOR_PRODUCTION).distinct()
    if user.is_superuser:
        return designs
    # store staff also work on the designs of customers checked in at their store, until check-out or expiry
    return designs.filter(_own_or_checked_in(user), deleted_at__isnull=True)


def _own_or_checked_in(user: User) -> Q:
    return Q(customer__user=user) | Q(customer_id__in=customer_ids_checked_in_for_staff(user=user))


def design_list_for_customer(*, customer_id, user: User) -> QuerySet[Design]:
    """`?customer=<id>`: the designs of a customer checked in at this staff member's store (else a 404)."""
    if user.is_authenticated and user.is_superuser:
        return Design.objects.select_related("template", "customer").filter(customer_id=customer_id,
                                                                            deleted_at__isnull=True)
    customer = customer_checked_in_get(customer_id=customer_id, user=user)
    return design_list_for_user(user=user).filter(customer=customer)


def design_get_for_user(*, design_id: int, user: User, for_write: bool = False, store_work: bool = False) -> Design:
    """Someone else's design is a 404, not a 403: ids must not reveal that a design exists.

    Production reads every design but changes none: `for_write` keeps writes to the owner (and admins).
    `store_work`: a write store staff may also make for a customer checked in at their store (a revision).
    """
    designs = design_list_for_user(user=user)
    if for_write and not user.is_superuser:
        designs = designs.filter(_own_or_checked_in(user) if store_work else Q(customer__user=user))
    design = designs.filter(pk=design_id).first()
    if design is None:
        raise Http404(_("No such design."))
    return design


def design_visible_to(*, design_id: int, user: User) -> bool:
    return design_list_for_user(user=user).filter(pk=design_id).exists()


def revision_list_for_design(*, design: Design, user: User | None = None) -> QuerySet[DesignRevision]:
    """The design's revisions; for production only the ordered ones (the others are the customer's drafts)."""
    revisions = design.revisions.prefetch_related("files")
    if user is not None and _production_only(user):
        revisions = revisions.filter(orders__status__in=ORDER_STATUSES_FOR_PRODUCTION).distinct()
    return revisions


def revision_get_for_user(*, revision_id: int, user: User) -> DesignRevision:
    revisions = (
        DesignRevision.objects.select_related("design__template", "design__customer", "requested_by")
        .prefetch_related("files")
        .filter(design__in=design_list_for_user(user=user), pk=revision_id)
    )
    if _production_only(user):
        revisions = revisions.filter(orders__status__in=ORDER_STATUSES_FOR_PRODUCTION)
    revision = revisions.first()
    if revision is None:
        raise Http404(_("No such revision."))
    return revision


def revision_requested_by_presented(*, revision: DesignRevision) -> dict:
    """Who asked for the revision and through which channel: {"channel": "store", "name": "Marco Rossi"}."""
    person = revision.requested_by
    name = (person.get_full_name() or person.get_username()) if person is not None else ""
    return {"channel": revision.requested_channel, "name": name}


def revision_for_announcement_get(*, revision_id: int) -> DesignRevision | None:
    return DesignRevision.objects.select_related("requested_by").filter(pk=revision_id).first()


def revision_announcement_get(*, revision_id: int) -> dict:
    """What every progress message of a revision carries about its request (empty if the revision is gone)."""
    return revision_announcement_presented(revision=revision_for_announcement_get(revision_id=revision_id))


def revision_announcement_presented(*, revision: DesignRevision | None) -> dict:
    """The announcement of a revision read with revision_for_announcement_get."""
    if revision is None:
        return {}
    return {
        "requested_by": revision_requested_by_presented(revision=revision),
        "requested_by_user": revision.requested_by_id,
        "requested_at": revision.requested_at.isoformat(),
        "number": revision.number,
    }


def revision_latest(*, design: Design) -> DesignRevision | None:
    """The revision last asked for (going back to an older one makes it the latest again)."""
    return revision_list_for_design(design=design).order_by("-requested_at", "-pk").first()


def revision_latest_done(*, design: Design) -> DesignRevision | None:
    """The newest finished revision: what a thumbnail can show while a newer one is still building."""
    return design.revisions.filter(status=DesignRevision.Status.DONE).order_by("-requested_at", "-pk").first()


def design_get_by_share_token(*, token: str) -> Design:
    """A shared design, read-only, for anyone holding the link; unknown, unshared or deleted ones are a 404."""
    design = (
        Design.objects.select_related("template", "shared_revision")
        .filter(share_token=token, deleted_at__isnull=True).first()
        if token
        else None
    )
    if design is None:
        raise Http404(_("No such shared design."))
    return design


# What a share link shows: the product's web model and its pictures. Never the foot (foot.glb may be the owner's own
# scanned foot) nor the fit picture drawn on it, and never print files.
SHARED_FILES_EXCLUDED = ("foot.glb", "fit.png")


def revision_files_shared(*, design: Design) -> QuerySet[RevisionFile]:
    """The shared revision's web models and previews; nothing for any other revision of the design."""
    if design.shared_revision_id is None:
        return RevisionFile.objects.none()
    return (RevisionFile.objects.filter(revision_id=design.shared_revision_id, kind__in=["glb", "png"])
            .exclude(name__in=SHARED_FILES_EXCLUDED).order_by("side", "name"))


def revision_file_get_shared(*, design: Design, revision_id: int, side: str, name: str) -> RevisionFile:
    found = revision_files_shared(design=design).filter(revision_id=revision_id, side=side, name=name).first()
    if found is None:
        raise Http404(_("No such file."))
    return found


def _orders_as_presented() -> QuerySet[Order]:
    """Orders with what their page and their API answer show (product, customer, pick-up store, the history with who
    made each change): a list costs the same queries for one order as for a hundred."""
    return (Order.objects.select_related("design__template", "revision", "customer", "pickup_store")
            .prefetch_related(_order_history()))


def _order_history() -> Prefetch:
    return Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))


def order_list_for_user(*, user: User) -> QuerySet[Order]:
    """The user's own orders; production and admins see every order."""
    orders = _orders_as_presented()
    if not user.is_authenticated:
        return orders.none()
    if user_sees_all_designs(user):
        return orders
    return orders.filter(customer__user=user)


def order_get_for_user(*, order_id: int, user: User) -> Order:
    """One order the user may see: their own, any for production and admins, and for store staff those to be
    collected at their store. Anyone else gets a 404, so ids do not reveal that an order exists."""
    order = order_list_for_user(user=user).filter(pk=order_id).first()
    if order is None and user.is_authenticated:
        from stores.selectors import staff_membership_get  # the stores app says who works where

        membership = staff_membership_get(user=user)
        if membership is not None:
            order = _orders_as_presented().filter(pk=order_id, pickup_store_id=membership.store_id).first()
    if order is None:
        raise Http404(_("No such order."))
    return order


def order_get_by_checkout_token(*, customer, token: str) -> Order | None:
    """The order one checkout already made, if any (an empty token never matches)."""
    token = (token or "").strip()
    return Order.objects.filter(customer=customer, checkout_token=token).first() if token else None


def order_price_lines(*, order: Order) -> list[dict]:
    """The order's price lines as placed, each with its label in the active language."""
    from configurator.pricing import line_label

    return [{**line, "label": line_label(line)} for line in order.price_lines]


def order_events(*, order: Order) -> QuerySet:
    """Oldest first, each with who made it; read once per order (kept from the list's prefetch when there was one)."""
    prefetch_related_objects([order], _order_history())
    return order.events.all()


def revision_file_get_for_user(*, revision_id: int, side: str, name: str, user: User) -> RevisionFile:
    revision = revision_get_for_user(revision_id=revision_id, user=user)
    found = revision.files.filter(side=side, name=name).first()
    if found is None:
        raise Http404(_("Revision %(revision)s has no file %(name)r for the %(side)s side.")
                      % {"revision": revision_id, "name": name, "side": side})
    return found


def revision_list_done(*, revision_ids: list[int] | None = None) -> QuerySet[DesignRevision]:
    """Finished revisions that were ordered, newest first: what production can make and export."""
    revisions = (
        DesignRevision.objects.filter(status=DesignRevision.Status.DONE,
                                      pk__in=Order.objects.filter(status__in=ORDER_STATUSES_FOR_PRODUCTION)
                                      .values("revision_id"))
        .select_related("design__template", "design__customer")
        .prefetch_related("files")
        .order_by("-finished_at", "-pk")
    )
    if revision_ids is not None:
        revisions = revisions.filter(pk__in=revision_ids)
    return revisions


# Reads production makes of what was ordered: orders, their revisions and stored files, by id or status.
def orders_with_status(*, statuses) -> QuerySet[Order]:
    return Order.objects.filter(status__in=statuses)


def order_get(*, order_id: int, for_update: bool = False) -> Order:
    """One order with its revision and product (locked for the caller's transaction when asked)."""
    orders = Order.objects.select_related("revision__design__template")
    return (orders.select_for_update() if for_update else orders).get(pk=order_id)


def revisions_with_orders(*, revision_ids) -> QuerySet[DesignRevision]:
    return (DesignRevision.objects.filter(pk__in=revision_ids)
            .select_related("design__template", "design__customer").prefetch_related("files", "orders"))


def revision_file_find(*, revision_id: int, side: str, name: str) -> RevisionFile | None:
    return RevisionFile.objects.filter(revision_id=revision_id, side=side, name=name).first()


REVISION_DONE = DesignRevision.Status.DONE
