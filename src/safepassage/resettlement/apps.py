from django.apps import AppConfig


class ResettlementConfig(AppConfig):
    name = "safepassage.resettlement"
    label = "resettlement"
    default_auto_field = "django.db.models.BigAutoField"
