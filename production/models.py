from django.conf import settings
from django.db import models


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
