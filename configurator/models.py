from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _


class ProductTemplate(models.Model):
    """A product in the catalogue; `generator_key` names its builder in geometry.registry."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    generator_key = models.CharField(max_length=40)
    base_price = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when the catalogue has a translation (the demo products do)."""
        return gettext(self.name)

    @property
    def display_description(self) -> str:
        return gettext(self.description) if self.description else ""


class Design(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="designs")
    template = models.ForeignKey(ProductTemplate, on_delete=models.PROTECT, related_name="designs")
    name = models.CharField(max_length=120, blank=True)
    # A read-only link anyone holding it may open; empty until the owner shares the design, and again once they
    # withdraw it. The link shows one revision, the one that was on screen when it was shared, never the others.
    share_token = models.CharField(max_length=43, blank=True, db_index=True)
    shared_revision = models.ForeignKey("DesignRevision", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    # Deleting hides the design from its owner; the rows stay, so orders keep what they were made from.
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.name or f"{self.template} #{self.pk}"


class DesignRevision(models.Model):
    """One immutable build request: options, the measurements it used, and what came out."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        # A newer request on the same design came first: not built; asking for it again queues it.
        SUPERSEDED = "superseded", _("Superseded")

    class RequestChannel(models.TextChoices):
        WEB = "web", _("Web")
        STORE = "store", _("Store")
        APP = "app", _("App")
        API = "api", _("Integration")

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    params_hash = models.CharField(max_length=64)
    parameters = models.JSONField()  # product options, defaults filled in
    measurements = models.JSONField()  # snapshot {"left": {...}, "right": {...}} in mm
    sides = models.JSONField()  # ["left", "right"] or one of them
    measurement_set = models.ForeignKey("customers.MeasurementSet", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)  # starts of a build; bounded by SARTORIA_JOB_MAX_ATTEMPTS
    # The worker building it now ("host:pid") and until when, renewed at every stage (config/jobs.py).
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)  # last message sent for it
    created_at = models.DateTimeField(auto_now_add=True)
    # Last time someone asked for these inputs: the newest request on a design supersedes older queued work.
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who asked for it last and through which channel (a store associate working for a checked-in customer...).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_channel = models.CharField(max_length=10, choices=RequestChannel.choices, default=RequestChannel.WEB)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["design", "params_hash"], name="unique_revision_per_params"),
            models.UniqueConstraint(fields=["design", "number"], name="unique_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.design} r{self.number}"


def revision_file_path(instance: "RevisionFile", filename: str) -> str:
    """A key of its own per design, revision and side: equal parameters of two customers never share a name."""
    revision = instance.revision
    return f"revisions/{revision.design_id}/{revision.pk}/{instance.side}/{filename}"


class RevisionFile(models.Model):
    class Kind(models.TextChoices):
        THREE_MF = "3mf", "3MF"
        STL = "stl", "STL"
        GLB = "glb", "GLB"
        PNG = "png", "PNG"

    revision = models.ForeignKey(DesignRevision, on_delete=models.CASCADE, related_name="files")
    side = models.CharField(max_length=5)
    name = models.CharField(max_length=80)  # e.g. "shoe.3mf", "shoe-upper.stl", "preview-side.png"
    kind = models.CharField(max_length=3, choices=Kind.choices)
    file = models.FileField(upload_to=revision_file_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["side", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["revision", "side", "name"], name="unique_revision_file_name")]

    @property
    def is_preview(self) -> bool:
        return self.kind == self.Kind.PNG


class Order(models.Model):
    """A customer orders one finished revision; the price is fixed when the order is placed.

    The status changes only through `configurator.services.order_status_set`, which records an `OrderEvent`.
    """

    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        PAID = "paid", _("Paid")
        IN_PRODUCTION = "in_production", _("In production")
        PRINTED = "printed", _("Printed")
        SHIPPED = "shipped", _("Shipped")
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pick-up")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    class Delivery(models.TextChoices):
        UNSET = "", _("Not chosen yet")
        SHIP = "ship", _("Delivery to an address")
        PICKUP = "pickup", _("Pick-up in a store")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="orders")
    design = models.ForeignKey(Design, on_delete=models.PROTECT, related_name="orders")
    revision = models.ForeignKey(DesignRevision, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLACED)
    price = models.DecimalField(max_digits=9, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    # The quote's lines when the order was placed: [{"code": ..., "amount": "12.00"}]; labels are added when shown.
    price_lines = models.JSONField(default=list, blank=True)
    delivery_earliest = models.DateField()
    delivery_latest = models.DateField()
    # The language the customer ordered in: every email about this order is written in it.
    language = models.CharField(max_length=10, blank=True)
    # Chosen by the client once per checkout: a double click or a retried request returns the same order.
    checkout_token = models.CharField(max_length=64, blank=True)
    delivery_method = models.CharField(max_length=8, choices=Delivery.choices, blank=True, default=Delivery.UNSET)
    delivery_name = models.CharField(max_length=200, blank=True)
    delivery_line1 = models.CharField(max_length=200, blank=True)
    delivery_line2 = models.CharField(max_length=200, blank=True)
    delivery_postcode = models.CharField(max_length=20, blank=True)
    delivery_city = models.CharField(max_length=100, blank=True)
    delivery_country = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    delivery_phone = models.CharField(max_length=40, blank=True)
    pickup_store = models.ForeignKey("stores.Store", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="pickup_orders")
    payment_provider = models.CharField(max_length=200, blank=True)
    payment_reference = models.CharField(max_length=200, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The same design may be ordered again (a second pair); one checkout (its token) makes one order.
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "checkout_token"], condition=~models.Q(checkout_token=""),
                name="unique_order_per_checkout_token",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.design}"


class OrderEvent(models.Model):
    """One change of an order's status: who made it, when, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Order.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
