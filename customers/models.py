from django.conf import settings
from django.db import models
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.full_name or self.email or f"customer #{self.pk}"


class ChannelIdentity(models.Model):
    """How a channel (web account, loyalty card, store QR code...) knows this customer."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web account")
        LOYALTY = "loyalty", _("Loyalty card")
        QR = "qr", _("QR code")
        API = "api", _("Integration")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    external_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="unique_channel_identity")]


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
