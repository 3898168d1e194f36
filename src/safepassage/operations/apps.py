from django.apps import AppConfig
from django.conf import settings


class OperationsConfig(AppConfig):
    name = "safepassage.operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        if settings.SENTRY_DSN:
            from importlib.metadata import version

            from safepassage.operations.errors import init

            init(settings.SENTRY_DSN, environment=settings.ENVIRONMENT,
                 release=f"safepassage@{version('safepassage')}")
