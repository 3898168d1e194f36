from django.apps import AppConfig


class AirliftConfig(AppConfig):
    name = "safepassage.airlift"
    label = "airlift"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safepassage.airlift import evidence, selectors, subscribers
        from safepassage.credentials import seats
        from safepassage.messaging import audiences
        from safepassage.registry import events

        # Seats, the gate and landings earn cases their moves (registry.facts).
        evidence.claim_facts()
        # A boarding pass is issued only for the seat a household holds.
        seats.provide(selectors.held_seat)

        # A broadcast can go to the households holding seats on one flight.
        audiences.provide_flights(audiences.Flights(
            open_flights=selectors.open_flights, cases_on_flight=selectors.cases_on_flight))

        # A correction that changes who is in a seated household re-checks its seat.
        events.person_corrected.subscribe(subscribers.person_corrected)
