from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_printer_profile(value: str) -> None:
    """A printer row names a profile of the one printers registry (geometry.printers), never its own figures."""
    from geometry.printers import PRINTER_PROFILES

    if value not in PRINTER_PROFILES:
        raise ValidationError(
            _("%(value)s is not a printer profile; choose one of %(allowed)s."),
            params={"value": value, "allowed": ", ".join(PRINTER_PROFILES)},
        )


class PrintExport(models.Model):
    """A batch of print files handed to production: who took which revisions, and the zip's checksum."""

    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="print_exports")
    revisions = models.ManyToManyField("configurator.DesignRevision", related_name="print_exports")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("export_print_files", "Can export print files of any design")]


class Printer(models.Model):
    """One machine of the farm, configured in the admin; what it can do comes from its registry profile."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    profile_key = models.CharField(_("printer profile"), max_length=40, validators=[validate_printer_profile])
    # Material keys (geometry.materials) this machine is set up for; empty: any material its profile prints.
    materials = models.JSONField(_("materials"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FarmPlan(models.Model):
    """One solve of the farm's schedule: which plate runs where and when, and how far from a lower bound."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    horizon_start = models.DateTimeField()
    solver_status = models.CharField(max_length=20, blank=True)  # OPTIMAL, FEASIBLE, NO_PRINTERS, EMPTY
    objective = models.CharField(max_length=40, default="lexicographic")
    makespan_minutes = models.PositiveIntegerField(default=0)
    lower_bound_minutes = models.PositiveIntegerField(default=0)
    solver_bound_minutes = models.PositiveIntegerField(default=0)
    tardiness_minutes = models.PositiveIntegerField(default=0)
    late_plates = models.PositiveIntegerField(default=0)
    solve_seconds = models.FloatField(default=0.0)
    # Mean print time of one order's parts in this plan: what a new order adds to the queue (the lead time).
    order_minutes = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def gap(self) -> float:
        """(plan - bound) / bound: 0 means the plan is provably as short as it can be."""
        if not self.lower_bound_minutes:
            return 0.0
        return (self.makespan_minutes - self.lower_bound_minutes) / self.lower_bound_minutes


class Plate(models.Model):
    """One build plate: parts of one printer profile, material and colour packed by their footprints."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PRINTING = "printing", _("Printing")
        PRINTED = "printed", _("Printed")
        FAILED = "failed", _("Failed")
        # its jobs went back to the queue (a replan or a reprint): kept for the history, not printed
        CANCELLED = "cancelled", _("Cancelled")

    printer_profile = models.CharField(max_length=40, validators=[validate_printer_profile])
    material = models.CharField(max_length=20)
    color = models.CharField(max_length=7)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    spacing_mm = models.FloatField()
    tallest_mm = models.FloatField(default=0.0)
    grams = models.FloatField(default=0.0)
    # estimated minutes on its own profile; on another printer of the farm the plan's figure is used
    estimated_minutes = models.PositiveIntegerField(default=0)
    plan = models.ForeignKey(FarmPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="plates")
    printer = models.ForeignKey(Printer, null=True, blank=True, on_delete=models.SET_NULL, related_name="plates")
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    due = models.DateTimeField(null=True, blank=True)  # the earliest promised delivery of its orders
    preview = models.FileField(upload_to="plates/", blank=True, max_length=300)
    export_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_start", "pk"]

    def __str__(self) -> str:
        return f"plate {self.pk}"


class PrintJob(models.Model):
    """One part of one side of one order, printed once; a reprint is a new job with the code and a suffix."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PLANNED = "planned", _("Planned")
        PRINTING = "printing", _("Printing")
        PRINTED = "printed", _("Printed")
        FAILED = "failed", _("Failed")
        REPRINT = "reprint", _("Sent to reprint")

    order = models.ForeignKey("configurator.Order", on_delete=models.PROTECT, related_name="print_jobs")
    revision = models.ForeignKey("configurator.DesignRevision", on_delete=models.PROTECT, related_name="print_jobs")
    side = models.CharField(max_length=5)
    part = models.CharField(max_length=20)
    attempt = models.PositiveSmallIntegerField(default=0)  # 0 the first print, 1 its first reprint (-R1), ...
    code = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    stl_name = models.CharField(max_length=80)  # the RevisionFile the part is printed from
    material = models.CharField(max_length=20)
    color = models.CharField(max_length=7)
    printer_profile = models.CharField(max_length=40, blank=True)
    grams = models.FloatField(default=0.0)
    estimated_minutes = models.FloatField(default=0.0)  # on its own profile, from the revision's report
    # the part's geometry.printability.part_shape: what its grams and minutes on any profile are computed from
    volume_mm3 = models.FloatField(default=0.0)
    height_mm = models.FloatField(default=0.0)
    area_mm2 = models.FloatField(default=0.0)  # 0: not known yet (a report older than it), measured when planned
    holes = models.PositiveIntegerField(default=0)
    needs_supports = models.BooleanField(default=False)
    footprint = models.JSONField(default=list, blank=True)  # [[x, y], ...] mm, cached by the first planning
    reprint_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reprints")
    plate = models.ForeignKey(Plate, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    x_mm = models.FloatField(default=0.0)
    y_mm = models.FloatField(default=0.0)
    rotation_deg = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_id", "side", "part", "attempt"]
        # paying twice or a retried task must not make a second job for the same part
        constraints = [models.UniqueConstraint(fields=["order", "side", "part", "attempt"],
                                               name="unique_print_job_per_part_attempt")]

    def __str__(self) -> str:
        return self.code


class PrintJobEvent(models.Model):
    """One change of a job's state: who, when, and why."""

    job = models.ForeignKey(PrintJob, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=10, choices=PrintJob.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


def plate_export_path(instance: "PlateExport", filename: str) -> str:
    return f"plate-exports/{instance.pk}/{filename}"


class PlateExport(models.Model):
    """Print files and job sheets of chosen plates, built in the background into one zip."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    plates = models.ManyToManyField(Plate, related_name="exports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="plate_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    plates_total = models.PositiveIntegerField(default=0)
    plates_done = models.JSONField(default=list, blank=True)  # ids of plates whose files are written
    failure_reason = models.TextField(blank=True)
    archive = models.FileField(upload_to=plate_export_path, blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    # the lease pattern of config/jobs.py: a redelivered message finds a live lease and does nothing
    attempts = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def fraction(self) -> float:
        if self.status == self.Status.DONE:
            return 1.0
        return 0.95 * len(self.plates_done) / self.plates_total if self.plates_total else 0.0
