from django.apps import AppConfig


class RunnerConfig(AppConfig):
    name = "safepassage.runner"
    label = "runner"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Background runner"
