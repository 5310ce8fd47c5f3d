from django.apps import AppConfig


class ConfiguratorConfig(AppConfig):
    name = "configurator"
    verbose_name = "Configurator"

    def ready(self) -> None:
        from configurator import receivers  # noqa: F401  (a product changed: the kept catalogue answers expire)
