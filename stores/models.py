from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Store(models.Model):
    """A shop where customers come for a fitting."""

    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # {"mon": [["10:00", "19:00"]], "sun": []}: weekday keys (mon..sun), a list of open intervals each.
    opening_hours = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="store_latitude_range"),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="store_longitude_range"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffMembership(models.Model):
    """A staff member works at one store with one role."""

    class Role(models.TextChoices):
        ASSOCIATE = "associate", _("Associate")
        MANAGER = "manager", _("Manager")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ASSOCIATE)
    # Hash of the tablet unlock PIN the staff member chose (django.contrib.auth.hashers); empty: password only.
    pin_hash = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.store} ({self.role})"


class CheckIn(models.Model):
    """A customer present in a store: while it lasts, that store's staff may work on their profile and designs."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="check_ins")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="check_ins")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # How the customer was found: loyalty card, QR code, email, or registered at the desk.
    method = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["store", "customer", "ended_at"])]

    def __str__(self) -> str:
        return f"check-in #{self.pk}: {self.customer_id} @ {self.store_id}"
