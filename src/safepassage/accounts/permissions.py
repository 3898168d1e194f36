"""Who may do what, in one place: the capabilities of each staff role and of each system actor.

An actor is a staff user or a system actor: work SafePassage does by itself (the public form,
the demo data, the linkage run, triage scoring, a command run by the server's operator), each
declared below once with the capabilities that work needs and nothing more. Services and
selectors check capabilities here, never only in views; the audit log names the actor.

Partner referrers see their own organisation's referrals only; a case of another organisation is
reported as not found, so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from safepassage.accounts.models import Role, User

VIEW_CASES = "view_cases"
READ_PERSON_FILE = "read_person_file"
REVIEW_CASES = "review_cases"
DECIDE_ELIGIBILITY = "decide_eligibility"
RESOLVE_DUPLICATES = "resolve_duplicates"
APPROVE_MERGES = "approve_merges"
REFER_CASES = "refer_cases"
MANAGE_FLIGHTS = "manage_flights"
BOARD_PASSENGERS = "board_passengers"
VERIFY_CREDENTIALS = "verify_credentials"
ISSUE_CREDENTIALS = "issue_credentials"
SEND_BROADCASTS = "send_broadcasts"
LOG_ENGAGEMENTS = "log_engagements"
READ_ENGAGEMENTS = "read_engagements"
VIEW_DASHBOARD = "view_dashboard"
READ_AUDIT = "read_audit"
EDIT_RULES = "edit_rules"
SCORE_CASES = "score_cases"  # run the rules over cases and write their priorities
READ_TRIAGE = "read_triage"  # see why a case has its eligibility and priority
IMPORT_FILES = "import_files"
ADMINISTER = "administer"
MANAGE_API_TOKENS = "manage_api_tokens"
MANAGE_COMMITMENTS = "manage_commitments"
MANAGE_STAFF = "manage_staff"  # create accounts, reset a second factor, deactivate
# Force a move that a fact earns (a seat, the gate, a landing) without it, with a reason.
OVERRIDE_STATUS = "override_status"
# Resettlement: arrivals, temporary stays, places, placement batches and caseworkers' milestones.
RESETTLE_CASES = "resettle_cases"
ANSWER_OFFERS = "answer_offers"  # a host: accept or decline the families offered to its place
RECORD_MILESTONES = "record_milestones"  # each milestone still only by the role that does it
# The inbox (messaging.inbox): read what people wrote, assign, answer from templates.
ANSWER_MESSAGES = "answer_messages"
# Held by system actors only: no staff role registers through the public form, loads the
# demo or speaks for the SMS gateway.
REGISTER_FROM_PUBLIC_FORM = "register_from_public_form"
LOAD_DEMO_DATA = "load_demo_data"
RECEIVE_REPLIES = "receive_replies"
RECORD_OPT_OUTS = "record_opt_outs"
# A phone number given through the anonymous form: a neutral code sent to it, and the number
# confirmed by that code typed back or by a message from that phone.
CONFIRM_CONTACTS = "confirm_contacts"

_STAFF_CASEWORK = {VIEW_CASES, READ_PERSON_FILE, REVIEW_CASES, RESOLVE_DUPLICATES, IMPORT_FILES,
                   READ_TRIAGE, ANSWER_MESSAGES}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PARTNER: frozenset({VIEW_CASES, READ_PERSON_FILE, REFER_CASES, IMPORT_FILES}),
    Role.CASEWORKER: frozenset(_STAFF_CASEWORK | {ISSUE_CREDENTIALS}
                               | {RESETTLE_CASES, RECORD_MILESTONES}),
    Role.SUPERVISOR: frozenset(
        _STAFF_CASEWORK
        | {DECIDE_ELIGIBILITY, APPROVE_MERGES, ISSUE_CREDENTIALS, EDIT_RULES, SCORE_CASES}
        | {VIEW_DASHBOARD, READ_ENGAGEMENTS, SEND_BROADCASTS, MANAGE_COMMITMENTS}
        | {OVERRIDE_STATUS}
        | {RESETTLE_CASES, RECORD_MILESTONES}
    ),
    Role.AIRLIFT_OFFICER: frozenset(
        {VIEW_CASES, READ_PERSON_FILE, MANAGE_FLIGHTS, BOARD_PASSENGERS, ISSUE_CREDENTIALS}
        | {SEND_BROADCASTS, READ_TRIAGE}
    ),
    # Minimal data only: a gate agent checks documents and records boarding, nothing more.
    Role.GATE_AGENT: frozenset({VERIFY_CREDENTIALS, BOARD_PASSENGERS}),
    Role.DIPLOMATIC_OFFICER: frozenset({LOG_ENGAGEMENTS, READ_ENGAGEMENTS}),
    Role.AUDITOR: frozenset({READ_AUDIT, VIEW_DASHBOARD}),
    # A community, agency office or sponsor: only the families offered to its own places.
    Role.HOST: frozenset({ANSWER_OFFERS, RECORD_MILESTONES}),
    Role.ADMINISTRATOR: frozenset(
        _STAFF_CASEWORK
        | {DECIDE_ELIGIBILITY, APPROVE_MERGES, READ_AUDIT, VIEW_DASHBOARD, ADMINISTER}
        | {MANAGE_FLIGHTS, ISSUE_CREDENTIALS, EDIT_RULES, SCORE_CASES, READ_ENGAGEMENTS}
        | {SEND_BROADCASTS, MANAGE_COMMITMENTS, MANAGE_API_TOKENS, MANAGE_STAFF}
        | {RESETTLE_CASES, RECORD_MILESTONES}
    ),
}


# --- System actors ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SystemActor:
    """Work the system does by itself, named in the audit log.

    Only the instances declared in this module count: a SystemActor made anywhere else has no
    capability at all, so no caller can grant itself one by constructing an actor.
    """

    name: str
    capabilities: frozenset[str]

    def __str__(self) -> str:
        return self.name


SYSTEM_ACTORS: dict[str, SystemActor] = {}


def _declare(name: str, *capabilities: str) -> SystemActor:
    if name in SYSTEM_ACTORS:
        raise ValueError(f"The system actor {name!r} is declared twice.")
    actor = SYSTEM_ACTORS[name] = SystemActor(name=name, capabilities=frozenset(capabilities))
    return actor


# The anonymous public form: it registers a household, and nothing else.
PUBLIC_FORM = _declare("public-form", REGISTER_FROM_PUBLIC_FORM, CONFIRM_CONTACTS)
# The generated people, flights and meetings of `make run`.
DEMO = _declare("demo", LOAD_DEMO_DATA)
# The full linkage run merges pairs above the automatic threshold; the instant check proposes.
LINKAGE = _declare("linkage", APPROVE_MERGES)
# Scoring under the rule set in force: new cases as they are registered, all of them nightly.
TRIAGE = _declare("triage", SCORE_CASES)
# Replies received by SMS, and the STOP and START keywords in them.
SMS_GATEWAY = _declare("sms-gateway", RECEIVE_REPLIES, RECORD_OPT_OUTS, CONFIRM_CONTACTS)
# The public status check: a successful check is audited under this name; a code typed there
# confirms the household's phone number.
# Its "ask a question" form puts the question in the inbox (messaging.inbox).
STATUS_PAGE = _declare("status-page", CONFIRM_CONTACTS, RECEIVE_REPLIES)
# Creates the first signing key of each purpose when a document or a list first needs one.
SIGNING_KEYS = _declare("signing-keys")
# A command run by the server's operator (shell access to the server is trusted that far).
OPERATOR = _declare("command-line", EDIT_RULES, SCORE_CASES, MANAGE_API_TOKENS, VIEW_DASHBOARD,
                    MANAGE_STAFF)
# The demo's airlift officer and gate agent: plans the demo flights, boards and lands them
# through the airlift's services (`demo-engagements --evacuate-if-none`).
DEMO_AIRLIFT = _declare("demo-airlift", MANAGE_FLIGHTS, BOARD_PASSENGERS)
# Sign-ins through the organisation's identity provider: it creates accounts and sets their role
# from the provider's claims (accounts.oidc).
SINGLE_SIGN_ON = _declare("single-sign-on", MANAGE_STAFF)

# Moves a case to "resettled" with resettlement's evidence that its required milestones are
# done (registry.facts); used by resettlement.services only.
RESETTLEMENT = _declare("resettlement", REVIEW_CASES)
# Re-checks a seated household's seat when a correction changes who is in it (airlift.subscribers):
# the seat follows the new size (the pass naming the old members revoked), or goes when the
# flight has no room for it.
SEAT_RECHECK = _declare("seat-recheck", MANAGE_FLIGHTS, ISSUE_CREDENTIALS, VIEW_CASES)
# A correction changed what a household's documents print (who is in it, a name, a birth
# date): each document in force is issued again and the old one revoked as replaced.
DOCUMENT_REISSUE = _declare("document-reissue", ISSUE_CREDENTIALS, VIEW_CASES)
# Runs the week's placement batch on the runner's schedule when staff have not run one that week
# (resettlement.tasks.run_weekly_batch, decision 0066).
WEEKLY_PLACEMENT = _declare("weekly-placement", RESETTLE_CASES)

Actor: TypeAlias = User | SystemActor


def check_actor(actor: Actor) -> None:
    """Refuse anything that is not an actor: a string or None is a programming error (TypeError),
    an anonymous visitor is refused as anyone without the capability would be."""
    if isinstance(actor, User):
        return
    if isinstance(actor, SystemActor):
        if SYSTEM_ACTORS.get(actor.name) is not actor:
            raise PermissionDenied(f"“{actor.name}” is not a declared system actor.")
        return
    if isinstance(actor, AnonymousUser):
        raise PermissionDenied("Sign in first.")
    raise TypeError(
        "actor must be a User or a SystemActor declared in accounts.permissions, "
        f"not {type(actor).__name__} {actor!r}"
    )


def can(actor: Actor | AnonymousUser, capability: str) -> bool:
    if isinstance(actor, AnonymousUser):
        return False
    check_actor(actor)
    if isinstance(actor, SystemActor):
        return capability in actor.capabilities
    if not actor.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(actor.role, frozenset())


def require(actor: Actor, capability: str) -> None:
    if not can(actor, capability):
        who = f"The system actor “{actor}”" if isinstance(actor, SystemActor) else "Your role"
        raise PermissionDenied(f"{who} may not {capability.replace('_', ' ')}.")


def is_partner(actor: Actor) -> TypeGuard[User]:
    return isinstance(actor, User) and actor.role == Role.PARTNER


def user_of(actor: Actor) -> User | None:
    """The staff user acting, for the "by whom" columns of the records; None for the system."""
    check_actor(actor)
    return actor if isinstance(actor, User) else None


def actor_name(actor: Actor) -> str:
    check_actor(actor)
    return actor.get_username() if isinstance(actor, User) else actor.name


def manages(actor: Actor, *, role: str, organisation: Any) -> bool:
    """An administrator's accounts are those of its organisation: the crisis cell's own
    administrators (no organisation) manage every account, including partners' referrers; an
    administrator of a partner organisation only that organisation's referrers. The operator's
    command line manages every account."""
    if not can(actor, MANAGE_STAFF):
        return False
    if not isinstance(actor, User) or actor.organisation_id is None:
        return True
    return role == Role.PARTNER and getattr(organisation, "pk", None) == actor.organisation_id
