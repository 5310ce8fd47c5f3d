from django.contrib import admin

from configurator.models import Design, DesignRevision, ProductTemplate, RevisionFile


@admin.register(ProductTemplate)
class ProductTemplateAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "generator_key", "base_price", "is_active"]


class DesignRevisionInline(admin.TabularInline):
    model = DesignRevision
    fields = ["number", "status", "params_hash", "created_at", "finished_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Design)
class DesignAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "template", "customer", "updated_at"]
    inlines = [DesignRevisionInline]


@admin.register(DesignRevision)
class DesignRevisionAdmin(admin.ModelAdmin):
    """Read-only: revisions are immutable and written only by the build service."""

    list_display = ["id", "design", "number", "status", "created_at", "finished_at"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RevisionFile)
class RevisionFileAdmin(admin.ModelAdmin):
    list_display = ["revision", "side", "kind", "size_bytes", "sha256"]
