from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "safepassage.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safepassage.messaging import subscribers
        from safepassage.registry import events

        events.households_registered.subscribe(subscribers.households_registered)
        events.case_status_changed.subscribe(subscribers.case_status_changed)
        events.contact_confirmed.subscribe(subscribers.contact_confirmed)
        events.question_asked.subscribe(subscribers.question_asked)
