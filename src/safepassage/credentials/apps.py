from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "safepassage.credentials"
    label = "credentials"
    default_auto_field = "django.db.models.BigAutoField"
