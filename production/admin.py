from django.contrib import admin

from production.models import FarmPlan, Plate, PlateExport, Printer, PrintExport, PrintJob, PrintJobEvent


@admin.register(PrintExport)
class PrintExportAdmin(admin.ModelAdmin):
    list_display = ["id", "exported_by", "created_at", "size_bytes", "sha256"]


@admin.register(Printer)
class PrinterAdmin(admin.ModelAdmin):
    """The farm: each printer names a profile of geometry.printers, where its build volume and speeds live."""

    list_display = ["name", "profile_key", "materials", "is_active"]
    list_filter = ["profile_key", "is_active"]


class PrintJobEventInline(admin.TabularInline):
    model = PrintJobEvent
    extra = 0
    readonly_fields = ["state", "actor", "at", "note"]


@admin.register(PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    list_display = ["code", "state", "order", "part", "side", "material", "plate"]
    list_filter = ["state", "material"]
    search_fields = ["code"]
    inlines = [PrintJobEventInline]
    readonly_fields = ["code", "order", "revision", "reprint_of", "footprint"]


@admin.register(Plate)
class PlateAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "printer_profile", "material", "color", "printer", "planned_start", "planned_end"]
    list_filter = ["status", "printer_profile"]


@admin.register(FarmPlan)
class FarmPlanAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "solver_status", "makespan_minutes", "lower_bound_minutes", "late_plates"]


@admin.register(PlateExport)
class PlateExportAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "created_by", "created_at", "size_bytes"]
