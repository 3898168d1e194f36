from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "safepassage.linkage"
    label = "linkage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safepassage.linkage import subscribers
        from safepassage.registry import events

        events.households_registered.subscribe(subscribers.households_registered)
        events.person_corrected.subscribe(subscribers.person_corrected)
