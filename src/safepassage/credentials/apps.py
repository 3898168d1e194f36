from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "safepassage.credentials"
    label = "credentials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safepassage.credentials import subscribers
        from safepassage.registry import events

        # Documents are revoked when the approval or the seat goes.
        events.case_status_changed.subscribe(subscribers.case_status_changed)
        # ... and issued again when a correction changes what they print.
        events.person_corrected.subscribe(subscribers.person_corrected)
