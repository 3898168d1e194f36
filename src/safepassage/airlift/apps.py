from django.apps import AppConfig


class AirliftConfig(AppConfig):
    name = "safepassage.airlift"
    label = "airlift"
    default_auto_field = "django.db.models.BigAutoField"
