from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """The golden record: one person, whatever channel they come through."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    email = models.EmailField(blank=True, db_index=True)
    full_name = models.CharField(max_length=200, blank=True)
    # A guest is a real user without credentials yet; signing up keeps the same record (and its designs).
    is_guest = models.BooleanField(default=False)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    # A merged record stays (empty) so a merge can be undone exactly; its logins and look-ups lead to the survivor.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from")
    # After erasure only this anonymous reference names the record (orders and production keep pointing at it).
    erased_at = models.DateTimeField(null=True, blank=True)
    anonymous_ref = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        if self.erased_at:
            return self.anonymous_ref or f"customer #{self.pk}"
        return self.full_name or " ".join(filter(None, [self.first_name, self.last_name])) or self.email or f"customer #{self.pk}"


class ChannelIdentity(models.Model):
    """How a channel (web account, loyalty card, store QR code...) knows this customer."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web account")
        LOYALTY = "loyalty", _("Loyalty card")
        QR = "qr", _("QR code")
        API = "api", _("Integration")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        APP = "app", _("App device")
        CRM = "crm", _("CRM record")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # Normalised by customers.matching: emails lower-cased, phones E.164, cards digits only.
    external_id = models.CharField(max_length=200)
    # Emails only: the person proved they read it (signed up with it, or staff saw it confirmed).
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Every identity but an unverified email names one customer; an unverified email may be shared
            # (a family address in the CRM), a verified one belongs to one customer, whatever its case.
            models.UniqueConstraint(fields=["channel", "external_id"], condition=~models.Q(channel="email"),
                                    name="unique_channel_identity"),
            models.UniqueConstraint(Lower("external_id"), condition=models.Q(channel="email", verified=True),
                                    name="unique_verified_email"),
            models.UniqueConstraint(fields=["customer", "channel", "external_id"], name="unique_identity_per_customer"),
        ]
        indexes = [models.Index(fields=["channel", "external_id"], name="identity_lookup")]


class MeasurementSet(models.Model):
    """One sitting of foot measurements. Sets are only ever added, so a design can point at what it was built from."""

    class Source(models.TextChoices):
        TYPED = "typed", _("Typed in")
        STORE = "store", _("Measured in store")
        SCAN = "scan", _("3D scan")
        # Estimated from a shoe size and the ANSUR proportions; replaced as soon as a scan or store measurement arrives.
        ESTIMATE = "estimate", _("Estimated from shoe size")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="measurement_sets")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TYPED)
    measured_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-measured_at", "-pk"]


class Measurement(models.Model):
    class Side(models.TextChoices):
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")

    class Kind(models.TextChoices):
        LENGTH = "length_mm", _("Foot length")
        BALL_WIDTH = "ball_width_mm", _("Ball width")
        BALL_GIRTH = "ball_girth_mm", _("Ball girth")
        INSTEP_GIRTH = "instep_girth_mm", _("Instep girth")
        HEEL_WIDTH = "heel_width_mm", _("Heel width")
        ARCH_HEIGHT = "arch_height_mm", _("Arch height")
        # Only scans give it; the product geometry uses the six above.
        TOE_BOX_HEIGHT = "toe_box_height_mm", _("Toe-box height")

    measurement_set = models.ForeignKey(MeasurementSet, on_delete=models.CASCADE, related_name="measurements")
    side = models.CharField(max_length=5, choices=Side.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value_mm = models.FloatField()
    # Plus or minus mm from the scan's quality (geometry.scan.uncertainty); empty for typed measurements.
    uncertainty_mm = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measurement_set", "side", "kind"], name="unique_measurement_per_set"),
            models.CheckConstraint(condition=models.Q(value_mm__gt=0), name="measurement_positive"),
            models.CheckConstraint(condition=models.Q(uncertainty_mm__isnull=True) | models.Q(uncertainty_mm__gte=0),
                                   name="measurement_uncertainty_not_negative"),
        ]


def scan_upload_path(instance: "FootScanFile", filename: str) -> str:
    return f"scans/{instance.scan.customer_id}/{instance.scan_id}/{filename}"


class FootScan(models.Model):
    """One upload of one or two foot scans; processing it adds one measurement set (source: scan)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="scans")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=120, blank=True)
    fraction = models.FloatField(default=0.0)
    failure_reason = models.TextField(blank=True)
    measurement_set = models.OneToOneField(
        MeasurementSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="scan"
    )
    # Who processes it now and until when (config/jobs.py), how often it was started, when it was last sent.
    attempts = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class FootScanFile(models.Model):
    """One uploaded mesh; after processing: its side, the measurements and the cleaned foot (PLY, mm)."""

    scan = models.ForeignKey(FootScan, on_delete=models.CASCADE, related_name="files")
    original_name = models.CharField(max_length=255)
    file = models.FileField(upload_to=scan_upload_path, max_length=300)
    size_bytes = models.PositiveBigIntegerField()
    side = models.CharField(max_length=5, blank=True)
    result = models.JSONField(default=dict, blank=True)
    foot = models.FileField(upload_to=scan_upload_path, max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]


class TouchpointEvent(models.Model):
    """One moment a customer met Sartoria, in any channel: the timeline. Events are only ever added."""

    class Kind(models.TextChoices):
        SIGNUP = "signup", _("Signed up")
        LOGIN = "login", _("Logged in")
        CHECKIN = "checkin", _("Checked in at a store")
        CHECKOUT = "checkout", _("Checked out of a store")
        LOOKUP = "lookup", _("Looked up by store staff")
        SCAN = "scan", _("Foot scan")
        MEASUREMENTS = "measurements", _("Measurements recorded")
        DESIGN_SAVED = "design_saved", _("Design saved")
        REVISION = "revision", _("Design changed")
        ORDER = "order", _("Order placed")
        ORDER_STATUS = "order_status", _("Order status changed")
        FEEDBACK = "feedback", _("Feedback given")
        CONSENT = "consent", _("Consent changed")
        MERGE = "merge", _("Records merged")
        EXPORT = "export", _("Data exported")
        ERASE = "erase", _("Personal data erased")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        STORE = "store", _("Store")
        APP = "app", _("App")
        API = "api", _("API")
        IMPORT = "import", _("Import")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="touchpoints")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    store = models.ForeignKey("stores.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["customer", "-at"], name="touchpoint_timeline")]


class ConsentRecord(models.Model):
    """One change of marketing consent for one channel; the latest per channel is the consent in force."""

    class Topic(models.TextChoices):
        EMAIL = "email", _("Marketing by email")
        SMS = "sms", _("Marketing by SMS")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    topic = models.CharField(max_length=10, choices=Topic.choices)
    granted = models.BooleanField()
    # Where and how it was given: the channel (web, store, app, api, import), the store, the form or file.
    channel = models.CharField(max_length=10, choices=TouchpointEvent.Channel.choices)
    store = models.ForeignKey("stores.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]


class MergeSuggestion(models.Model):
    """Two records that identities say are one person; staff decide, nothing merges by itself."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Not the same person")

    customer_a = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    customer_b = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    # Why: which identities point where, e.g. {"rule": "phone", "value": "+39...", "source": "import line 4"}.
    reason = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer_a", "customer_b"], condition=models.Q(status="open"),
                                    name="one_open_suggestion_per_pair"),
            models.CheckConstraint(condition=models.Q(customer_a__lt=models.F("customer_b")),
                                   name="suggestion_pair_ordered"),
        ]


class CustomerMerge(models.Model):
    """A merge: who, when, why, and exactly which rows moved (ids per model), so it can be undone."""

    survivor = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_received")
    merged = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_given")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    # {"app_label.Model.field": [pk, ...]} for every row that moved; {"user": id, "deactivated_user": id} etc.
    moved = models.JSONField(default=dict)
    extra = models.JSONField(default=dict)
    suggestion = models.ForeignKey(MergeSuggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
