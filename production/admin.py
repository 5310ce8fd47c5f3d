from django.contrib import admin

from production.models import PrintExport


@admin.register(PrintExport)
class PrintExportAdmin(admin.ModelAdmin):
    list_display = ["id", "exported_by", "created_at", "size_bytes", "sha256"]
