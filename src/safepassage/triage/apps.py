from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "safepassage.triage"
    label = "triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safepassage.registry import events
        from safepassage.triage import subscribers

        events.households_registered.subscribe(subscribers.households_registered)
        events.person_corrected.subscribe(subscribers.person_corrected)
