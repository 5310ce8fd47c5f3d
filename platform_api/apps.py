from django.apps import AppConfig


class PlatformApiConfig(AppConfig):
    """The public API's own machinery: versions, pagination, filters, Idempotency-Key, the schema and its docs."""

    name = "platform_api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from platform_api import receivers  # noqa: F401  (connects the token receivers)
