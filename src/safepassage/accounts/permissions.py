"""What each role may do, in one table, checked by services and selectors (never only by views).

Partner referrers see their own organisation's referrals only; a case of another organisation is
reported as not found, so its existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from safepassage.accounts.models import Role

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
READ_TRIAGE = "read_triage"  # see why a case has its eligibility and priority
IMPORT_FILES = "import_files"
ADMINISTER = "administer"
MANAGE_COMMITMENTS = "manage_commitments"

_STAFF_CASEWORK = {VIEW_CASES, READ_PERSON_FILE, REVIEW_CASES, RESOLVE_DUPLICATES, IMPORT_FILES,
                   READ_TRIAGE}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PARTNER: frozenset({VIEW_CASES, READ_PERSON_FILE, REFER_CASES, IMPORT_FILES}),
    Role.CASEWORKER: frozenset(_STAFF_CASEWORK | {ISSUE_CREDENTIALS}),
    Role.SUPERVISOR: frozenset(
        _STAFF_CASEWORK
        | {DECIDE_ELIGIBILITY, APPROVE_MERGES, ISSUE_CREDENTIALS, EDIT_RULES, VIEW_DASHBOARD}
        | {READ_ENGAGEMENTS, SEND_BROADCASTS, MANAGE_COMMITMENTS}
    ),
    Role.AIRLIFT_OFFICER: frozenset(
        {VIEW_CASES, READ_PERSON_FILE, MANAGE_FLIGHTS, BOARD_PASSENGERS, ISSUE_CREDENTIALS}
        | {SEND_BROADCASTS, READ_TRIAGE}
    ),
    # Minimal data only: a gate agent checks documents and records boarding, nothing more.
    Role.GATE_AGENT: frozenset({VERIFY_CREDENTIALS, BOARD_PASSENGERS}),
    Role.DIPLOMATIC_OFFICER: frozenset({LOG_ENGAGEMENTS, READ_ENGAGEMENTS}),
    Role.AUDITOR: frozenset({READ_AUDIT, VIEW_DASHBOARD}),
    Role.ADMINISTRATOR: frozenset(
        _STAFF_CASEWORK
        | {DECIDE_ELIGIBILITY, APPROVE_MERGES, READ_AUDIT, VIEW_DASHBOARD, ADMINISTER}
        | {MANAGE_FLIGHTS, ISSUE_CREDENTIALS, EDIT_RULES, READ_ENGAGEMENTS, SEND_BROADCASTS}
        | {MANAGE_COMMITMENTS}
    ),
}


def can(user: Any, capability: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user: Any, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied(f"Your role may not {capability.replace('_', ' ')}.")


def is_partner(user: Any) -> bool:
    return getattr(user, "role", None) == Role.PARTNER
