from django.apps import AppConfig


class ResettlementConfig(AppConfig):
    name = "safepassage.resettlement"
    label = "resettlement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safepassage.airlift import admission
        from safepassage.registry import events, facts
        from safepassage.registry.models import Fact
        from safepassage.resettlement import evidence, selectors, subscribers

        # Resettlement alone vouches that a case's required milestones are done (decision 0111).
        evidence.hold(facts.claim(Fact.MILESTONES, app="resettlement",
                                  check=selectors.why_milestones_not_done))

        # Flights set to "capacity before travel" seat only households a place has accepted.
        admission.provide(admission.Rule(
            flights_needing_placement=selectors.flights_needing_placement,
            cases_with_placement=selectors.cases_with_placement))

        # Every household that arrives has its file, reconciled or not.
        events.case_status_changed.subscribe(subscribers.case_status_changed)
