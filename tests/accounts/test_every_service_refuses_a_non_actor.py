"""Every public function of every services.py (and every selector that takes an actor) refuses
to act for anything but a User or a system actor declared in accounts.permissions: a string, None
or a system actor made up elsewhere is refused before anything else happens."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

import safepassage
from safepassage.accounts import permissions

PACKAGE = Path(safepassage.__file__).parent

# Public functions of a services.py that take no actor, and why none is needed.
WITHOUT_ACTOR = {
    "safepassage.accounts.services.create_staff_user":
        "run by the operator's commands and tests to make an account; there is no actor before",
    "safepassage.credentials.services.issuer_name": "a setting",
    "safepassage.credentials.services.letter_lifetime": "a setting",
    "safepassage.credentials.services.default_alg": "a setting",
    "safepassage.credentials.services.active_signing_key":
        "the key in force; a missing first key is created as SIGNING_KEYS",
    "safepassage.credentials.services.private_key_of": "reads a key already loaded",
    "safepassage.credentials.services.normalise_flight_number": "a pure function",
    "safepassage.credentials.services.trust_documents":
        "the public trust and revocation lists, served to anyone by the verifier page",
    "safepassage.intake.services.receive_submission":
        "keeps the bytes as received, before anyone is known (the public form is anonymous)",
    "safepassage.intake.services.payload_bytes": "a pure function of a kept submission",
    "safepassage.intake.services.close_submission":
        "records the outcome of a submission inside the service that handled it",
    "safepassage.intake.services.new_status_secret": "a pure function",
    "safepassage.intake.services.public_form_problems": "a pure function of a result",
    "safepassage.intake.services.issue_status_secret":
        "inside register_from_public_form, which checked the public form's actor",
    "safepassage.intake.services.register_accepted_submissions":
        "the worker: registers each accepted submission as the actor it was accepted from, "
        "whom register_referrals checks",
    "safepassage.intake.services.submission_status": "a pure function of a kept submission",
    "safepassage.intake.services.service_account":
        "the partner account an organisation's tokens act as",
    "safepassage.intake.services.authenticate_api_token": "how a partner becomes an actor",
    "safepassage.intake.services.forget_known_tokens":
        "empties this process's memory of checked tokens (after a revocation); changes nothing",
    "safepassage.messaging.services.plan_recipients":
        "who hears about cases, inside a service that checked its actor",
    "safepassage.messaging.services.status_notice_carried_elsewhere":
        "a context for the caller's own change of status",
    "safepassage.messaging.services.check_broadcast_texts": "a pure function",
    "safepassage.messaging.services.record_receipt":
        "a provider's delivery receipt, authenticated by its signature at the webhook",
    "safepassage.messaging.services.record_receipts":
        "providers' delivery receipts, authenticated by their signatures at the webhooks",
    "safepassage.messaging.services.messages_for_receipts":
        "finds the messages receipts are about, inside the webhook processing",
    "safepassage.messaging.services.channel_order": "a pure function of a choice and settings",
    "safepassage.messaging.services.address_on": "a pure function of a person and a channel",
    "safepassage.messaging.services.fall_back_undelivered":
        "the runner's periodic task: queues again, for the same person, messages another "
        "service already decided to send",
    "safepassage.airlift.services.household_demands":
        "what the planner needs of cases, inside plan_manifests and fill_from_standby",
    "safepassage.airlift.services.departure_text": "a pure function",
    "safepassage.resettlement.services.resettle_with_milestones":
        "inside complete_milestone (and the demo), whose actor was checked; the move is made "
        "as the resettlement system actor with the milestones' evidence",
    "safepassage.airlift.services.free_seats": "a count, inside fill_from_standby",
    "safepassage.airlift.services.standby_cases": "a read, inside fill_from_standby",
    "safepassage.engagements.services.subject_for":
        "the subject of a title, inside record_meeting",
    "safepassage.linkage.services.record_features":
        "subscribed to the registry's households_registered, whose actor was checked",
    "safepassage.linkage.services.refresh_features":
        "subscribed to the registry's person_corrected, whose actor was checked",
    "safepassage.linkage.services.pending_checks": "a count",
    "safepassage.linkage.services.run_pending_checks":
        "the duplicate checker's work, audited as LINKAGE",
    "safepassage.linkage.services.current_model": "a read of the model",
    "safepassage.linkage.services.current_model_and_key": "a read of the model",
    "safepassage.linkage.services.check_new_persons": "the instant check, audited as LINKAGE",
    "safepassage.linkage.services.check_registrations": "the instant check, audited as LINKAGE",
    "safepassage.linkage.services.recluster":
        "recomputes clusters inside a decision whose actor was checked",
    "safepassage.linkage.services.weight_label": "a pure function",
    "safepassage.intake.services.give_up_import":
        "the runner marks an import it will not try again as failed, with the reason",
    **{f"safepassage.runner.services.{name}": "the runner's bookkeeping of its workers and tasks"
       for name in ("new_worker_id", "lease", "register_worker", "beat", "forget_worker",
                    "recover_abandoned_tasks", "enqueue_due_schedules", "prune_finished_tasks",
                    "run_here")},
    "safepassage.accounts.services.has_second_factor": "a reading of an account's devices",
    "safepassage.accounts.services.enrolment_path":
        "the one-time link of an account, made inside services that checked their actor",
    "safepassage.accounts.services.set_first_password":
        "the holder of a valid one-time link, on their own account, before any sign-in",
    "safepassage.accounts.services.start_totp_enrolment":
        "the holder of a valid one-time link, on their own account, before any sign-in",
    "safepassage.accounts.services.confirm_totp_enrolment":
        "the holder of a valid one-time link, on their own account, before any sign-in",
    "safepassage.accounts.services.new_backup_codes":
        "inside confirm_totp_enrolment, for the account that enrolled",
    "safepassage.intake.services.rebuild_row_fingerprints":
        "rotate-index-key (the operator's command) rewrites digests, deciding nothing",
    "safepassage.linkage.services.rebuild_block_keys":
        "rotate-index-key (the operator's command) rewrites digests, deciding nothing",
    "safepassage.linkage.services.recompute_all_features":
        "migration linkage.0006 computes stored features again when name keys change, "
        "deciding nothing",
    "safepassage.messaging.services.rebuild_sender_digests":
        "rotate-index-key (the operator's command) rewrites digests, deciding nothing",
    "safepassage.registry.services.rebuild_contact_digests":
        "rotate-index-key (the operator's command) rewrites digests, deciding nothing",
}

NOT_ACTORS: list[Any] = [
    None,
    "command-line",
    "linkage",
    permissions.SystemActor(name="linkage", capabilities=frozenset(
        c for caps in permissions.ROLE_CAPABILITIES.values() for c in caps)),
]


def _modules(kind: str) -> Iterator[Any]:
    for path in sorted(PACKAGE.glob(f"*/{kind}.py")):
        yield importlib.import_module(f"safepassage.{path.parent.name}.{kind}")


def _public_functions(kind: str) -> Iterator[tuple[str, Callable[..., Any]]]:
    for module in _modules(kind):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{module.__name__}.{name}", function


def _takes_actor(function: Callable[..., Any]) -> bool:
    return "actor" in inspect.signature(function).parameters


def _acting_functions() -> list[tuple[str, Callable[..., Any]]]:
    services = [(n, f) for n, f in _public_functions("services") if _takes_actor(f)]
    selectors = [(n, f) for n, f in _public_functions("selectors") if _takes_actor(f)]
    return services + selectors


def _call_with(function: Callable[..., Any], not_an_actor: object) -> None:
    """Call with this as the actor and a placeholder for every other required argument: a
    function that checks its actor first never touches the placeholders."""
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "actor":
            arguments[name] = not_an_actor
        elif parameter.default is inspect.Parameter.empty:
            arguments[name] = object()
    function(**arguments)


def test_every_public_service_function_takes_an_actor_or_says_why_not() -> None:
    without = {name for name, f in _public_functions("services") if not _takes_actor(f)}
    assert without == set(WITHOUT_ACTOR)


@pytest.mark.django_db
@pytest.mark.parametrize("not_an_actor", NOT_ACTORS, ids=["None", "a string", "a system name",
                                                           "a forged system actor"])
def test_every_service_refuses_what_is_not_an_actor(not_an_actor: object) -> None:
    functions = _acting_functions()
    assert len(functions) > 80  # every app's services and selectors were found
    accepted = []
    for name, function in functions:
        try:
            _call_with(function, not_an_actor)
        except PermissionDenied:
            continue
        except TypeError as error:
            if "actor must be a User or a SystemActor" in str(error):
                continue
            accepted.append(f"{name}: {error!r}")
        except Exception as error:  # anything else: the actor was not checked first
            accepted.append(f"{name}: {error!r}")
        else:
            accepted.append(f"{name}: acted")
    assert not accepted, "\n".join(accepted)


@pytest.mark.django_db
def test_a_system_actor_has_only_its_own_capabilities() -> None:
    assert permissions.can(permissions.PUBLIC_FORM, permissions.REGISTER_FROM_PUBLIC_FORM)
    assert not permissions.can(permissions.PUBLIC_FORM, permissions.VIEW_CASES)
    assert not permissions.can(permissions.DEMO, permissions.REGISTER_FROM_PUBLIC_FORM)
    assert not permissions.can(permissions.TRIAGE, permissions.EDIT_RULES)
    assert permissions.can(permissions.TRIAGE, permissions.SCORE_CASES)
    every = {c for caps in permissions.ROLE_CAPABILITIES.values() for c in caps}
    for actor in permissions.SYSTEM_ACTORS.values():
        assert actor.capabilities < every | {
            permissions.REGISTER_FROM_PUBLIC_FORM, permissions.LOAD_DEMO_DATA,
            permissions.RECEIVE_REPLIES, permissions.RECORD_OPT_OUTS,
            permissions.CONFIRM_CONTACTS}
        assert len(actor.capabilities) <= 5, actor.name  # a few things each, never everything


@pytest.mark.django_db
def test_the_audit_log_names_a_system_actor_and_links_no_user(make_case: Any) -> None:
    from safepassage.audit.models import AuditEntry

    case = make_case()
    entry = AuditEntry.objects.get(action="case.registered", object_id=case.reference)
    assert (entry.actor, entry.actor_id) == ("demo", None)
