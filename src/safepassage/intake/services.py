"""Intake's writes: keep each submission as received, register referrals through the registry,
remember partners' ids, answer retried requests, import spreadsheets, issue status secrets.

Order of work for every channel: the raw submission is committed first; the registration, the
partner ids, the idempotency record and the submission's outcome are then committed together,
and only after that commit is anything acknowledged.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import multiprocessing
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation, Role, User
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.bulk import insert_rows
from safepassage.intake import import_process, tasks
from safepassage.intake.column_mapping import (
    ColumnMapping,
    check_mapping,
    headers_digest,
    suggested_mapping,
)
from safepassage.intake.models import (
    ApiToken,
    ExternalReference,
    FormToken,
    IdempotencyRecord,
    ImportBatch,
    ImportChunk,
    ImportWarning,
    Outcome,
    QuarantinedRow,
    RawSubmission,
    RowFingerprint,
    SavedColumnMapping,
    StatusSecret,
    keyed_digest,
)
from safepassage.intake.records import (
    COLUMNS,
    PERSON_COLUMNS,
    external_id_of,
    normalise_person,
    parse_category,
    previous_row_fingerprints,
    problem,
    row_fingerprint,
)
from safepassage.intake.spreadsheets import (
    SpreadsheetError,
    SpreadsheetOverLimit,
    check_file,
    read_sample,
    read_sheet,
)
from safepassage.registry.models import (
    REFERENCE_ALPHABET,
    Case,
    Channel,
    Language,
    Person,
    Relationship,
    new_reference,
)
from safepassage.registry.services import HouseholdData, register_households
from safepassage.runner import background as runner
from safepassage.runner.services import run_here

# --------------------------------------------------------------------------------------------
# Raw submissions
# --------------------------------------------------------------------------------------------


def receive_submission(
    *, channel: str, body: bytes, content_type: str = "", organisation: Organisation | None = None,
    idempotency_key: str = "", filename: str = "",
) -> RawSubmission:
    """Store what arrived, byte for byte, and commit it before anything else happens."""
    payload, encoding = _as_payload(body)
    with transaction.atomic():
        return RawSubmission.objects.create(
            channel=channel, content_type=content_type[:120], organisation=organisation,
            encoding=encoding, payload=payload, filename=filename[:200],
            idempotency_key=idempotency_key[:200],
        )


def _as_payload(body: bytes) -> tuple[str, str]:
    """The body as it is kept: its text if it is UTF-8, else base64 (not one byte altered)."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def payload_bytes(submission: RawSubmission) -> bytes:
    payload: str = submission.payload
    if submission.encoding == "base64":
        return base64.b64decode(payload)
    return payload.encode("utf-8")


def close_submission(submission: RawSubmission, *, outcome: str, detail: dict[str, Any]) -> None:
    submission.outcome, submission.outcome_detail = outcome, detail
    submission.processed_at = timezone.now()
    submission.save(update_fields=["outcome", "outcome_detail", "processed_at"])


# --------------------------------------------------------------------------------------------
# Referrals: one household each, from the form, the API or a spreadsheet
# --------------------------------------------------------------------------------------------


@dataclass
class Referral:
    """A household as sent: its members' columns (strings) and its category."""

    members: Sequence[dict[str, Any]]
    category: str = ""
    member_prefixes: Sequence[str] = ()  # how each member's fields are named in problems
    fingerprints: Sequence[str] = ()  # for spreadsheet rows without external_id
    reference: str = ""  # drawn when it was accepted (the public form shows it at once)


@dataclass
class ReferralResult:
    outcome: str  # registered | unchanged | rejected
    reference: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)
    case: Case | None = None
    warnings: list[dict[str, str]] = field(default_factory=list)


Normalised = tuple[HouseholdData | None, list[str], list[dict[str, str]], list[dict[str, str]]]


def _normalise(referral: Referral, language: str) -> Normalised:
    """The household's data (None if it has problems), its external ids, its problems and the
    warnings that do not hold it."""
    problems: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    category, error = parse_category(referral.category)
    if error:
        problems.append(error)
    people, external_ids = [], []
    if not referral.members:
        problems.append(problem("members", "members_missing", _("The household has no one in it."),
                                _("Give at least the registrant's given name.")))
    for i, member in enumerate(referral.members):
        prefix = referral.member_prefixes[i] if referral.member_prefixes else ""
        result = normalise_person(member, is_first=i == 0, prefix=prefix,
                                  default_language=language)
        problems.extend(result.problems)
        warnings.extend(result.warnings)
        people.append(result.data)
        external_ids.append(result.external_id)
    seen: set[str] = set()
    for i, external_id in enumerate(external_ids):
        if external_id and external_id in seen:
            prefix = referral.member_prefixes[i] if referral.member_prefixes else ""
            problems.append(problem(prefix + "external_id", "external_id_repeated",
                                    _("This external_id is given to two people."),
                                    _("Give each person their own external_id.")))
        seen.add(external_id)
    if problems:
        return None, external_ids, problems, warnings
    data = HouseholdData(members=[p for p in people if p is not None], category=category,
                         reference=referral.reference)
    return data, external_ids, [], warnings


def register_referrals(
    *, actor: Actor, referrals: Sequence[Referral], channel: str,
    organisation: Organisation | None, language: str = Language.DARI,
    submission: RawSubmission | None = None,
) -> list[ReferralResult]:
    """Register each valid referral as one household, in one transaction; reject the others
    with their problems. A referral whose people the organisation sent before (same
    external_id, or the same spreadsheet row) is `unchanged`: nothing is created twice."""
    permissions.check_actor(actor)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _register_referrals(actor, referrals, channel, organisation, language,
                                           submission)
        except IntegrityError:
            # A concurrent request registered one of these external ids first: look again.
            continue
    raise IntegrityError("external ids kept clashing with concurrent registrations")


def _register_referrals(
    actor: Actor, referrals: Sequence[Referral], channel: str,
    organisation: Organisation | None, language: str, submission: RawSubmission | None,
) -> list[ReferralResult]:
    results: list[ReferralResult | None] = [None] * len(referrals)
    normalised = [_normalise(r, language) for r in referrals]
    known_people = _known_people(organisation, referrals, normalised)
    to_register: list[tuple[int, HouseholdData, list[str], Sequence[str]]] = []
    claimed: dict[str, int] = {}
    unchanged: dict[int, int] = {}
    for i, (referral, (data, external_ids, problems, _w)) in enumerate(
            zip(referrals, normalised, strict=True)):
        keys = [f"x:{e}" for e in external_ids if e]
        keys += [f"f:{f}" for f in referral.fingerprints if f]
        known = [known_people[k] for k in keys if k in known_people]
        same_household = len({p.household_id for p in known}) == 1
        if keys and len(known) == len(referral.members) and same_household:
            results[i] = ReferralResult("unchanged")
            unchanged[i] = known[0].household_id
            continue
        if known:
            problems = [*problems, problem(
                "external_id", "external_id_registered_elsewhere",
                _("Some of these people were registered before in another household."),
                _("Send only new people, each household with all its members once."))]
        clash = next((k for k in keys if k in claimed), None)
        if clash:
            problems = [*problems, problem(
                "external_id", "external_id_repeated",
                _("This person appears twice in what you sent (item %(n)s too).") % {
                    "n": claimed[clash] + 1},
                _("Send each person once."))]
        if problems or data is None:
            results[i] = ReferralResult("rejected", problems=problems)
            continue
        for k in keys:
            claimed[k] = i
        to_register.append((i, data, external_ids, referral.fingerprints))

    references = dict(Case.objects.filter(household_id__in=unchanged.values())
                      .values_list("household_id", "reference"))
    for i, household_id in unchanged.items():
        cast(ReferralResult, results[i]).reference = references[household_id]
    if to_register:
        cases = register_households(
            actor=actor, households=[d for _i, d, _e, _f in to_register], channel=channel,
            organisation=organisation,
        )
        _remember_partner_ids(organisation, to_register, cases)
        for (i, _d, _e, _f), case in zip(to_register, cases, strict=True):
            results[i] = ReferralResult("registered", reference=case.reference, case=case,
                                        warnings=normalised[i][3])
    final = [r for r in results if r is not None]
    if submission is not None:
        close_submission(submission, outcome=_overall(final), detail=_detail(final))
    return final


def _overall(results: Sequence[ReferralResult]) -> str:
    outcomes = {r.outcome for r in results}
    if outcomes <= {"unchanged"}:
        return Outcome.UNCHANGED
    if "rejected" not in outcomes:
        return Outcome.REGISTERED
    return Outcome.REJECTED if outcomes == {"rejected"} else Outcome.PARTLY


def _detail(results: Sequence[ReferralResult]) -> dict[str, Any]:
    return {
        "references": [r.reference for r in results if r.reference][:1000],
        "registered": sum(r.outcome == "registered" for r in results),
        "unchanged": sum(r.outcome == "unchanged" for r in results),
        "rejected": sum(r.outcome == "rejected" for r in results),
        "problem_codes": sorted({p["code"] for r in results for p in r.problems}),
    }


def _known_people(
    organisation: Organisation | None, referrals: Sequence[Referral],
    normalised: Sequence[Normalised],
) -> dict[str, Person]:
    if organisation is None:
        return {}
    external_ids = {e for _d, ids, _p, _w in normalised for e in ids if e}
    fingerprints = {f for r in referrals for f in r.fingerprints if f}
    # While the index key is rotated, a row imported before may still carry its old digest.
    aliases = {old: current for r in referrals
               for values, current in zip(r.members, r.fingerprints, strict=False) if current
               for old in previous_row_fingerprints(values)}
    fingerprints |= set(aliases)
    known: dict[str, Person] = {}
    for ref in ExternalReference.objects.filter(
            organisation=organisation, external_id__in=external_ids).select_related("person"):
        known[f"x:{ref.external_id}"] = ref.person
    for row in RowFingerprint.objects.filter(
            organisation=organisation, digest__in=fingerprints).select_related("person"):
        known[f"f:{aliases.get(row.digest, row.digest)}"] = row.person
    return known


def _remember_partner_ids(
    organisation: Organisation | None,
    registered: Sequence[tuple[int, HouseholdData, list[str], Sequence[str]]],
    cases: Sequence[Case],
) -> None:
    if organisation is None:
        return
    household_ids = [c.household_id for c in cases]
    members: dict[int, list[int]] = {}
    for pk, household_id in Person.objects.filter(household_id__in=household_ids).order_by(
            "pk").values_list("pk", "household_id"):
        members.setdefault(household_id, []).append(pk)
    refs, prints = [], []
    for (_i, _d, external_ids, fingerprints), case in zip(registered, cases, strict=True):
        people = members[case.household_id]
        refs += [(organisation.pk, e, p) for e, p in zip(external_ids, people, strict=True) if e]
        prints += [(organisation.pk, f, p) for f, p in zip(fingerprints, people, strict=False)
                   if f]
    insert_rows(ExternalReference, ("organisation", "external_id", "person"), refs)
    insert_rows(RowFingerprint, ("organisation", "digest", "person"), prints)


# --------------------------------------------------------------------------------------------
# The partner API: what a partner sends is registered once, however often it is retried
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiRefusal:
    """A body the API could not read at all (over a limit, not JSON, a media type it does not
    read): the status to answer, a code for the raw submission, what to do, and for a limit its
    setting, value and the figure found."""

    status: int
    code: str
    detail: str
    limit: dict[str, Any] | None = None

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": "about:blank", "title": "The body cannot be read",
                                "status": self.status, "detail": self.detail}
        if self.limit:
            body["limit"] = self.limit
        return body

    def outcome_detail(self) -> dict[str, Any]:
        return {"error": self.code, **({"limit": self.limit} if self.limit else {})}


@dataclass(frozen=True)
class ApiRegistrations:
    """A request's households as the API read them (each with its "members" and "category"),
    or the errors of its shape that kept it from reading them, or why it could not be read."""

    households: Sequence[Mapping[str, Any]] = ()
    shape_errors: Any = None
    refusal: ApiRefusal | None = None


@dataclass(frozen=True)
class ApiAnswer:
    """The partner API's answer: stored with the request's Idempotency-Key, given back to every
    retry of the same request (replayed). 202 carries the accepted submission's status."""

    status: int
    body: dict[str, Any]
    replayed: bool = False
    problem: bool = False  # the body is a problem document (RFC 9457)


def register_from_api(
    *, actor: Actor, organisation: Organisation, body: bytes, content_type: str,
    idempotency_key: str, read: Callable[[], ApiRegistrations], batch: bool,
) -> ApiAnswer:
    """Accept the households a partner sent, one (batch False) or a list, to be registered by
    the worker (decision 0092): what needs no database is checked here, so that a refusal
    comes at once (the body's size and depth, its JSON, its shape, and for one household its
    values); what passes is kept as received, encrypted, in one row with its Idempotency-Key,
    and answered 202 with the submission's status. A retry of the same body under the same key
    gets the first answer and is never registered twice; another body under a used key is
    refused."""
    permissions.require(actor, permissions.REFER_CASES)
    user = permissions.user_of(actor)
    if user is None:
        raise PermissionDenied(_("The partner API registers as a partner's account."))
    digest = hashlib.sha256(body).hexdigest()
    found = read()
    refused = _refused_at_once(found, batch=batch)
    if refused is not None:
        # A refusal looks for the key first (a body accepted once is answered as the first
        # time); an accepted body does not: its key's record is inserted with it, and a used
        # key is found by that insert (decision 0094), one query fewer per request.
        replay = _replay(organisation, idempotency_key, digest) if idempotency_key else None
        if replay is not None:
            return replay
        answer, detail = refused
        submission = receive_submission(
            channel=Channel.PARTNER_API, body=body, organisation=organisation,
            content_type=content_type, idempotency_key=idempotency_key)
        with transaction.atomic():
            close_submission(submission, outcome=Outcome.REJECTED, detail=detail)
        return answer
    payload, encoding = _as_payload(body)
    try:
        with transaction.atomic():
            submission = RawSubmission.objects.create(
                channel=Channel.PARTNER_API, content_type=content_type[:120],
                organisation=organisation, encoding=encoding, payload=payload,
                idempotency_key=idempotency_key[:200], public_id=uuid.uuid4(),
                acting_user=user, work={"batch": batch})
            answer = ApiAnswer(HTTPStatus.ACCEPTED, submission_status(submission))
            if idempotency_key:
                IdempotencyRecord.objects.create(
                    organisation=organisation, key=idempotency_key, request_digest=digest,
                    status_code=answer.status, response=answer.body)
            runner.wake(tasks.register_submissions)
    except IntegrityError:
        # The key was used: a retry (the same body, kept with the first request) gets the first
        # answer and nothing is kept twice; another body under the key is refused, as before.
        replay = _replay(organisation, idempotency_key, digest) if idempotency_key else None
        if replay is None:
            raise
        return replay
    return answer


def _refused_at_once(found: ApiRegistrations, *, batch: bool,
                     ) -> tuple[ApiAnswer, dict[str, Any]] | None:
    """The answer to a request refused before it is accepted, and its submission's detail."""
    if found.refusal is not None:
        return (ApiAnswer(found.refusal.status, found.refusal.problem(), problem=True),
                found.refusal.outcome_detail())
    if found.shape_errors is not None:
        return ApiAnswer(HTTPStatus.BAD_REQUEST, {
            "type": "about:blank", "title": "The request does not have the expected shape",
            "status": HTTPStatus.BAD_REQUEST,
            "detail": "The request does not have the expected shape: see errors, by field.",
            "errors": found.shape_errors}, problem=True), {"error": "shape"}
    if batch:
        return None  # a batch's values are checked by the worker, household by household
    [household] = found.households
    _data, _ids, problems, _warnings = _normalise(_api_referral(household, within=""),
                                                  Language.DARI)
    if not problems:
        return None
    errors: dict[str, list[str]] = {}
    for p in problems:
        errors.setdefault(p["field"], []).append(f"{p['message']} {p['hint']}")
    return ApiAnswer(HTTPStatus.UNPROCESSABLE_ENTITY, {
        "type": "about:blank", "title": "The household cannot be registered",
        "status": HTTPStatus.UNPROCESSABLE_ENTITY,
        "detail": "Some values cannot be registered: see errors and problems, by field.",
        "errors": errors, "outcome": "rejected", "reference": "", "problems": problems,
        "warnings": []}, problem=True), {
        "error": "values", "problem_codes": sorted({p["code"] for p in problems})}


def _api_referral(household: Mapping[str, Any], *, within: str) -> Referral:
    members = household["members"]
    return Referral(
        members=[_member_texts(m) for m in members], category=str(household.get("category", "")),
        member_prefixes=[f"{within}members[{i}]." for i in range(len(members))])


def _member_texts(member: Mapping[str, Any]) -> dict[str, str]:
    """A member's columns as text, as the API's shape reads them (numbers become text)."""
    return {c: "" if v is None else str(v) for c, v in member.items() if c in PERSON_COLUMNS}


def _close_on_error(submission: RawSubmission) -> None:
    """Whatever went wrong, the submission is not left "received" for ever: it is rejected
    with the reason (its body stays, to be sent again)."""
    with transaction.atomic():
        close_submission(submission, outcome=Outcome.REJECTED, detail={"error": "server_error"})


def refuse_api_body(
    *, actor: Actor, organisation: Organisation, content_type: str, idempotency_key: str,
    refusal: ApiRefusal,
) -> ApiAnswer:
    """A body refused unread (larger than the API reads): only a record of the refusal is
    kept, closed with its reason."""
    permissions.require(actor, permissions.REFER_CASES)
    submission = receive_submission(
        channel=Channel.PARTNER_API, body=b"", organisation=organisation,
        content_type=content_type, idempotency_key=idempotency_key)
    with transaction.atomic():
        close_submission(submission, outcome=Outcome.REJECTED, detail=refusal.outcome_detail())
    return ApiAnswer(refusal.status, refusal.problem(), problem=True)


def _replay(organisation: Organisation, key: str, digest: str) -> ApiAnswer | None:
    record = IdempotencyRecord.objects.filter(organisation=organisation, key=key).first()
    if record is None:
        return None
    if record.request_digest != digest:
        return ApiAnswer(HTTPStatus.UNPROCESSABLE_ENTITY, {
            "type": "about:blank", "title": "Idempotency-Key already used",
            "status": HTTPStatus.UNPROCESSABLE_ENTITY,
            "detail": "This Idempotency-Key was used for a different request. Use a new key "
                      "for a new request; resend the same body to retry."}, problem=True)
    return ApiAnswer(record.status_code, cast(dict[str, Any], record.response), replayed=True)


def submission_status(submission: RawSubmission) -> dict[str, Any]:
    """An accepted submission as its status URL shows it: received, then its outcome with the
    result of each household (reference, or problems with field, what was wrong, what to do)."""
    results = cast(list[dict[str, Any]], submission.answer or [])
    return {
        "id": str(submission.public_id), "outcome": submission.outcome,
        "received_at": submission.received_at.isoformat(),
        "processed_at": submission.processed_at.isoformat() if submission.processed_at else None,
        **{k: sum(r["outcome"] == k for r in results)
           for k in ("registered", "unchanged", "rejected")},
        "results": results,
    }


def _api_result(result: ReferralResult) -> dict[str, Any]:
    return {"outcome": result.outcome, "reference": result.reference,
            "problems": [{**p, "field": p["field"]} for p in result.problems],
            "warnings": [{**w, "field": w["field"]} for w in result.warnings]}


# --------------------------------------------------------------------------------------------
# The worker: accepted submissions registered in batches (decision 0092)
# --------------------------------------------------------------------------------------------

def register_accepted_submissions(*, limit: int = 0, rounds: int | None = None) -> int:
    """Register accepted submissions until none is left (or `rounds` transactions): each
    transaction claims up to `limit` of them (skipping those another worker holds), registers
    them through the batch path as the account they were accepted from (the public form's
    actor for the form) and records each one's outcome and answer, all committed together: a
    worker killed before its commit leaves them received, and the next one registers them,
    once. The number of submissions processed. `limit` defaults to
    settings.INTAKE_REGISTER_PER_TRANSACTION: enough to amortise the batch path's fixed costs,
    few enough that a killed worker loses little work (it is all rolled back)."""
    limit = limit or settings.INTAKE_REGISTER_PER_TRANSACTION
    done = 0
    while rounds is None or rounds > 0:
        processed = _register_some(limit)
        done += processed
        if not processed:
            break
        rounds = None if rounds is None else rounds - 1
    return done


def _register_some(limit: int) -> int:
    with transaction.atomic():
        claimed = list(
            RawSubmission.objects.filter(public_id__isnull=False, outcome=Outcome.RECEIVED)
            .select_related("organisation", "acting_user").order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))[:limit])
        groups: dict[tuple[Any, ...], list[tuple[RawSubmission, list[Referral]]]] = {}
        seen: dict[tuple[Any, ...], set[str]] = {}
        processed = 0
        for submission in claimed:
            referrals = _referrals_of(submission)
            if referrals is None:
                _finish(submission, [], unreadable=True)
                processed += 1
                continue
            work = cast(dict[str, Any], submission.work)
            group = (submission.organisation_id, submission.channel, submission.acting_user_id,
                     work.get("language", Language.DARI))
            keys = {f"x:{e}" for r in referrals for m in r.members
                    if (e := external_id_of(m))}
            if keys & seen.setdefault(group, set()):
                continue  # the same person twice: the later one waits for the next round
            seen[group] |= keys
            groups.setdefault(group, []).append((submission, referrals))
        for (_org, channel, _user, language), members in groups.items():
            processed += _register_group(channel, language, members)
        finished = [s for s in claimed if s.outcome != Outcome.RECEIVED]
        if finished:
            RawSubmission.objects.bulk_update(finished, _FINISHED_FIELDS)
        return processed


def _referrals_of(submission: RawSubmission) -> list[Referral] | None:
    """The households of an accepted submission, or None if its body cannot be read again."""
    work = cast(dict[str, Any], submission.work or {})
    if submission.channel == Channel.WEB_FORM:
        return [Referral(members=work["members"], category=work["category"],
                         member_prefixes=[f"m{i}-" for i in range(len(work["members"]))],
                         reference=submission.reference)]
    try:
        data = json.loads(payload_bytes(submission))
        households = data["registrations"] if work.get("batch") else [data]
        return [_api_referral(h, within=f"registrations[{n}]." if work.get("batch") else "")
                for n, h in enumerate(households)]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _register_group(channel: str, language: str,
                    members: list[tuple[RawSubmission, list[Referral]]]) -> int:
    first = members[0][0]
    actor: Actor = first.acting_user if first.acting_user is not None else permissions.PUBLIC_FORM
    referrals = [r for _s, found in members for r in found]
    try:
        with transaction.atomic():
            results = register_referrals(actor=actor, referrals=referrals, channel=channel,
                                         organisation=first.organisation, language=language)
    except PermissionDenied:
        # The account may no longer refer (its role changed since): kept, rejected, with why.
        for submission, _found in members:
            _finish(submission, [], refused=True)
        return len(members)
    at = 0
    for submission, found in members:
        _finish(submission, results[at:at + len(found)])
        at += len(found)
    return len(members)


_FINISHED_FIELDS = ["answer", "outcome", "outcome_detail", "processed_at"]


def _finish(submission: RawSubmission, results: Sequence[ReferralResult], *,
            unreadable: bool = False, refused: bool = False) -> None:
    """Set the submission's outcome and answer; _register_some stores every submission of its
    transaction in one statement (bulk_update), not one UPDATE each."""
    submission.processed_at = timezone.now()
    if unreadable or refused:
        code = "unreadable" if unreadable else "not_permitted"
        submission.answer = [{"outcome": "rejected", "reference": "", "warnings": [],
                              "problems": [problem(
                                  "", code, _("This submission could not be registered."),
                                  _("Send it again, or ask the registration team."))]}]
        submission.outcome, submission.outcome_detail = Outcome.REJECTED, {"error": code}
        return
    submission.answer = [_api_result(r) for r in results]
    submission.outcome, submission.outcome_detail = _overall(results), _detail(results)
    if submission.channel == Channel.WEB_FORM and results and results[0].case is not None:
        work = cast(dict[str, Any], submission.work)
        StatusSecret.objects.update_or_create(case=results[0].case,
                                              defaults={"digest": work["secret_digest"]})
        if work.get("token"):
            FormToken.objects.filter(token=work["token"]).update(case=results[0].case)


# --------------------------------------------------------------------------------------------
# The public form's status secret
# --------------------------------------------------------------------------------------------


def new_status_secret() -> str:
    """Twelve characters, 60 random bits, in three groups a person can copy or read aloud."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


def _compact(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def issue_status_secret(*, case: Case) -> str:
    secret = new_status_secret()
    StatusSecret.objects.update_or_create(
        case=case, defaults={"digest": keyed_digest(_compact(secret), purpose="status")}
    )
    return secret


@dataclass(frozen=True)
class FormProblem:
    """A problem of a public form registration, placed on the form: `member` 0 is the registrant,
    then the people who travel with them in the order they were filled in; `field` is empty for
    a problem of the whole household."""

    member: int
    field: str
    text: str


# How long the page after a registration may be reloaded and still show the secret: long enough
# for a slow link that failed to load it, short enough for a phone passed to someone else.
SECRET_SHOWN_FOR = dt.timedelta(minutes=30)


def register_from_public_form(
    *, actor: Actor, registrant: Mapping[str, Any], others: Sequence[Mapping[str, Any]],
    category: str, language: str, submission: RawSubmission, form_token: str = "",
) -> tuple[ReferralResult, str]:
    """Accept a household from the public form, to be registered by the worker (decision
    0092): its values are checked here (a problem is shown on the form at once), then its
    reference and status secret are drawn and kept with the submission, which the worker
    registers (the registrant heads the household; everyone is written to in the form's
    language). The answer is "received" with the reference and the secret, or "rejected" with
    the problems.

    `form_token` is the form's one-time token: the first acceptance made with it is the only
    one. The same form sent again (a reload, a double click, a replay) is answered "resent"
    with the earlier reference and accepts nothing; a form sent at the same moment waits for
    the first to commit (the token's unique row) and is answered the same way.
    """
    permissions.require(actor, permissions.REGISTER_FROM_PUBLIC_FORM)
    try:
        return _accept_public_form(
            registrant=registrant, others=others, category=category,
            language=language, submission=submission, form_token=form_token)
    except BaseException:
        _close_on_error(submission)  # as for the API: never left "received" for ever
        raise


def _accept_public_form(
    *, registrant: Mapping[str, Any], others: Sequence[Mapping[str, Any]],
    category: str, language: str, submission: RawSubmission, form_token: str,
) -> tuple[ReferralResult, str]:
    members = [{**_member_texts(registrant), "relationship_to_head": Relationship.HEAD,
                "preferred_language": language},
               *({**_member_texts(other), "preferred_language": language} for other in others)]
    referral = Referral(members=members, category=category,
                        member_prefixes=[f"m{i}-" for i in range(len(members))])
    _data, _ids, problems, _warnings = _normalise(referral, language)
    if problems:
        close_submission(submission, outcome=Outcome.REJECTED, detail={
            "error": "values", "problem_codes": sorted({p["code"] for p in problems})})
        return ReferralResult("rejected", problems=problems), ""
    with transaction.atomic():
        claim = _claim_form_token(form_token) if form_token else None
        if claim is False:
            earlier = FormToken.objects.filter(token=form_token).select_related("case").first()
            reference = (earlier.case.reference if earlier and earlier.case
                         else earlier.reference if earlier else "")
            close_submission(submission, outcome=Outcome.RESENT,
                             detail={"reference": reference})
            return ReferralResult("resent", reference=reference,
                                  case=earlier.case if earlier else None), ""
        secret, reference = new_status_secret(), _unused_reference()
        submission.public_id, submission.reference = uuid.uuid4(), reference
        submission.work = {
            "members": members, "category": category, "language": language,
            "secret_digest": keyed_digest(_compact(secret), purpose="status"),
            "token": form_token[:64]}
        submission.save(update_fields=["public_id", "reference", "work"])
        if isinstance(claim, FormToken):
            _keep_form_result(claim, reference=reference, secret=secret, people=len(members))
        runner.wake(tasks.register_submissions)
    return ReferralResult("received", reference=reference), secret


def _unused_reference() -> str:
    """A case reference drawn now, so that the person sees it at once: not a case's, not
    another accepted submission's (the unique constraint settles a race)."""
    while True:
        reference = new_reference()
        if not (Case.objects.filter(reference=reference).exists()
                or RawSubmission.objects.filter(reference=reference).exists()):
            return reference


def _claim_form_token(token: str) -> FormToken | bool:
    """The token's row, new (this request registers), or False (an earlier one did)."""
    try:
        with transaction.atomic():
            return FormToken.objects.create(token=token[:64])
    except IntegrityError:
        return False


def _keep_form_result(claim: FormToken, *, reference: str, secret: str, people: int) -> None:
    now = timezone.now()
    FormToken.objects.filter(secret_until__lt=now).update(secret="", secret_until=None)
    claim.reference, claim.people, claim.secret = reference, people, secret
    claim.secret_until = now + SECRET_SHOWN_FOR
    claim.save(update_fields=["reference", "people", "secret", "secret_until"])


def public_form_problems(result: ReferralResult) -> list[FormProblem]:
    """The problems of register_from_public_form by member and field (named "m{i}-field")."""
    placed = []
    for p in result.problems:
        member, _dash, field = p["field"].partition("-")
        index = int(member[1:]) if member.startswith("m") and member[1:].isdigit() else 0
        placed.append(FormProblem(member=index, field=field if _dash else "",
                                  text=f"{p['message']} {p['hint']}"))
    return placed


# --------------------------------------------------------------------------------------------
# API tokens
# --------------------------------------------------------------------------------------------


def service_account(organisation: Organisation) -> User:
    """The partner account an organisation's tokens and command-line imports act as.

    It has no usable password and no second factor, so no one can sign in with it."""
    user, created = User.objects.get_or_create(
        username=f"service-{organisation.slug}"[:150],
        defaults={"role": Role.PARTNER, "organisation": organisation},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def create_api_token(*, actor: Actor, organisation: Organisation, name: str) -> str:
    """A new token for the organisation; the clear text is returned once and never stored."""
    permissions.require(actor, permissions.MANAGE_API_TOKENS)
    clear = f"sp_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        ApiToken.objects.create(
            organisation=organisation, user=service_account(organisation), name=name,
            prefix=clear[:10], digest=keyed_digest(clear, purpose="api-token"),
        )
        audit.record(actor=actor, action="intake.api_token_created",
                     object_type="organisation", object_id=organisation.slug,
                     details={"prefix": clear[:10]})
    return clear


def revoke_api_token(*, actor: Actor, organisation: Organisation, prefix: str) -> int:
    """Revoke the organisation's live tokens that begin with `prefix` (as `api-token --list`
    shows them); the number revoked. From the next request on, they answer 401."""
    permissions.require(actor, permissions.MANAGE_API_TOKENS)
    if len(prefix) < 6:
        raise ValidationError(_("Give at least the first six characters of the token."))
    with transaction.atomic():
        live = ApiToken.objects.filter(organisation=organisation, revoked_at__isnull=True,
                                       prefix__startswith=prefix[:10])
        prefixes = list(live.values_list("prefix", flat=True))
        live.update(revoked_at=timezone.now())
        forget_known_tokens()  # now, and again once committed (a lookup in between re-read it)
        transaction.on_commit(forget_known_tokens)
        for revoked in prefixes:
            audit.record(actor=actor, action="intake.api_token_revoked",
                         object_type="organisation", object_id=organisation.slug,
                         details={"prefix": revoked})
    return len(prefixes)


# Tokens found recently, by digest, per process (decision 0094): (found at, token or None).
_known_tokens: dict[str, tuple[float, ApiToken | None]] = {}
_known_tokens_lock = threading.Lock()


def authenticate_api_token(clear: str) -> ApiToken | None:
    """The live token with this clear text, or None. A token found (or not found) is remembered
    by this process for settings.INTAKE_API_TOKEN_CACHE_SECONDS (decision 0094): a partner's
    requests do not each look it up again. A revocation in this process forgets them at once;
    in another process it takes effect within those seconds. Each request gets its own copy."""
    digest = keyed_digest(clear, purpose="api-token")
    ttl = settings.INTAKE_API_TOKEN_CACHE_SECONDS
    now = time.monotonic()
    known = _known_tokens.get(digest) if ttl > 0 else None
    if known is None or now - known[0] >= ttl:
        token = (ApiToken.objects.select_related("user", "organisation")
                 .filter(digest=digest, revoked_at__isnull=True).first())
        if ttl > 0:
            with _known_tokens_lock:
                if len(_known_tokens) >= 1000:
                    _known_tokens.clear()
                _known_tokens[digest] = (now, token)
    else:
        token = known[1]
    if token is None:
        return None
    mine = copy.copy(token)
    mine.user, mine.organisation = copy.copy(token.user), token.organisation
    return mine


def forget_known_tokens() -> None:
    """Forget the tokens this process remembered (after a revocation, in tests)."""
    with _known_tokens_lock:
        _known_tokens.clear()


# --------------------------------------------------------------------------------------------
# Spreadsheet imports
# --------------------------------------------------------------------------------------------

ProgressCallback = Callable[[int], object]
# A chunk: whole households, about settings.INTAKE_IMPORT_ROWS_PER_TRANSACTION rows, imported in
# one transaction.
Chunk = list[list[tuple[int, dict[str, str]]]]
# Processes importing chunks side by side on PostgreSQL: the import's own CPU then runs on two
# cores, and each process works while PostgreSQL stores what the other sent.
IMPORT_PROCESSES = 2


def _check_may_import(actor: Actor, organisation: Organisation) -> None:
    permissions.require(actor, permissions.IMPORT_FILES)
    if permissions.is_partner(actor) and actor.organisation_id != organisation.pk:
        raise PermissionDenied(
            _("Partners import people for their own organisation only."))


def start_import(
    *, actor: Actor, organisation: Organisation, data: bytes, filename: str, wait: bool = False,
    progress: ProgressCallback | None = None, on_start: Callable[[int], object] | None = None,
    mapping: ColumnMapping | None = None, ask_for_mapping: bool = False,
) -> ImportBatch:
    """Keep the file as received (committed) and a batch to follow its import, then import it:
    in the background runner (intake.tasks.import_spreadsheet), never in a web process; with
    `wait`, here, to the end (the command line), still recorded as the runner's task, so that a
    worker finishes the import if this process is killed.

    The file is read through `mapping`, else through the organisation's saved mapping for its
    header row (decision 0100). With `ask_for_mapping` (the import page), a file whose headers
    are not all ours and that has no saved mapping waits (state MAPPING) with a suggested
    mapping, until confirm_mapping starts it."""
    _check_may_import(actor, organisation)
    # The runner's task finds the importing user again by id: imports are staff work.
    user = permissions.user_of(actor)
    if user is None:
        raise PermissionDenied(_("Spreadsheets are imported by staff or a partner's account."))
    content_type = {"xlsx": "application/xlsx", "zip": "application/zip",
                    "json": "application/json"}.get(filename.lower().rsplit(".", 1)[-1],
                                                    "text/csv")
    try:
        # Size and zip directory only, nothing inflated: the rows are read by the runner.
        check_file(data, filename=filename)
    except SpreadsheetOverLimit as refused:
        return _refuse_import(user, organisation, filename, content_type, data, refused)
    submission = receive_submission(
        channel=Channel.BULK_IMPORT, body=data, organisation=organisation, filename=filename,
        content_type=content_type,
    )
    state, mapping_used = _mapping_for(organisation, data, filename, mapping, ask_for_mapping)
    with transaction.atomic():
        batch = ImportBatch.objects.create(organisation=organisation, submission=submission,
                                           started_by=user, state=state,
                                           mapping=mapping_used.as_dict() if mapping_used else {})
        if state == ImportBatch.State.MAPPING:
            return batch
        if not wait:
            runner.enqueue(tasks.import_spreadsheet, batch.pk, user.pk)
            return batch
    with run_here(tasks.import_spreadsheet, batch.pk, user.pk) as here:
        batch = run_import(actor=actor, batch=batch, progress=progress, on_start=on_start)
        here.return_value = batch.summary()
    return batch


def _mapping_for(
    organisation: Organisation, data: bytes, filename: str, mapping: ColumnMapping | None,
    ask_for_mapping: bool,
) -> tuple[str, ColumnMapping | None]:
    """The batch's first state and the mapping it is read with: the one given, the saved one
    for the file's header row, or (asked for) a suggestion to confirm."""
    if mapping is not None:
        check_mapping(mapping)
        return ImportBatch.State.QUEUED, mapping
    try:
        headers, sample = read_sample(data, filename=filename)
    except SpreadsheetError:
        return ImportBatch.State.QUEUED, None  # the import says why, as before
    saved = SavedColumnMapping.objects.filter(
        organisation=organisation, headers_digest=headers_digest(headers)).first()
    if saved is not None:
        return ImportBatch.State.QUEUED, ColumnMapping.from_dict(saved.mapping)
    if not ask_for_mapping:
        return ImportBatch.State.QUEUED, None
    # Asked only when a mapping would read the file differently: a header we would ignore
    # that a suggestion reads, or no given_name (a quarantine report imported again, with its
    # four columns of problems, goes straight in as before).
    plain, suggested = ColumnMapping(), suggested_mapping(headers, sample)
    if "given_name" in {plain.column_for(h) for h in headers} and not any(
            suggested.column_for(h) and not plain.column_for(h) for h in headers):
        return ImportBatch.State.QUEUED, None
    return ImportBatch.State.MAPPING, suggested


def confirm_mapping(*, actor: Actor, batch: ImportBatch, mapping: ColumnMapping,
                    save: bool = True) -> ImportBatch:
    """Start a batch that waited for its mapping, read through `mapping`; with `save`, the
    mapping is kept (audited) for the organisation's next file with the same header row."""
    permissions.check_actor(actor)
    _check_may_import(actor, batch.organisation)
    user = permissions.user_of(actor)
    if user is None:
        raise PermissionDenied(_("Spreadsheets are imported by staff or a partner's account."))
    check_mapping(mapping)
    headers, _sample = read_sample(payload_bytes(batch.submission),
                                   filename=batch.submission.filename, rows=0)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportBatch.State.MAPPING:
            return batch  # confirmed already (a form sent twice)
        batch.mapping, batch.state = mapping.as_dict(), ImportBatch.State.QUEUED
        batch.save(update_fields=["mapping", "state"])
        if save:
            save_column_mapping(actor=actor, organisation=batch.organisation, headers=headers,
                                mapping=mapping)
        runner.enqueue(tasks.import_spreadsheet, batch.pk, user.pk)
    return batch


def save_column_mapping(*, actor: Actor, organisation: Organisation, headers: Sequence[str],
                        mapping: ColumnMapping) -> SavedColumnMapping:
    """Keep how the organisation's files with this header row are read (audited: who changed
    how a partner's columns become people's fields)."""
    _check_may_import(actor, organisation)
    check_mapping(mapping)
    digest = headers_digest(headers)
    with transaction.atomic():
        saved, created = SavedColumnMapping.objects.update_or_create(
            organisation=organisation, headers_digest=digest, defaults={
                "headers": [h for h in headers if h], "mapping": mapping.as_dict(),
                "updated_by": permissions.user_of(actor), "updated_at": timezone.now()})
        audit.record(actor=actor, action="intake.column_mapping_saved",
                     object_type="organisation", object_id=organisation.slug,
                     details={"mapping": saved.pk, "created": created,
                              "mapping_as_saved": mapping.as_dict()})
    return saved


def _refuse_import(
    user: User, organisation: Organisation, filename: str, content_type: str, data: bytes,
    refused: SpreadsheetOverLimit,
) -> ImportBatch:
    """A file over a limit, refused before it is kept: a failed batch that says why, and a raw
    submission that records the refusal (its size and digest, not its bytes)."""
    with transaction.atomic():
        submission = RawSubmission.objects.create(
            channel=Channel.BULK_IMPORT, content_type=content_type[:120],
            organisation=organisation, payload="", filename=filename[:200])
        close_submission(submission, outcome=Outcome.REJECTED, detail={
            **refused.detail(), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        batch = ImportBatch.objects.create(
            organisation=organisation, submission=submission, started_by=user,
            state=ImportBatch.State.FAILED, error=str(refused), finished_at=timezone.now())
        audit.record(actor=user, action="intake.import_refused", object_type="import",
                     object_id=batch.pk, details=refused.detail())
    return batch


def _discard_refused_file(batch: ImportBatch, refused: SpreadsheetOverLimit) -> None:
    """A file found over a limit while it was read: the batch fails with the limit and the
    figure, and only a record of the refusal is kept (its size and digest, not its bytes)."""
    data = payload_bytes(batch.submission)
    with transaction.atomic():
        submission = batch.submission
        submission.payload, submission.encoding = "", "utf-8"
        submission.save(update_fields=["payload", "encoding"])
        close_submission(submission, outcome=Outcome.REJECTED, detail={
            **refused.detail(), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        batch.state, batch.error, batch.finished_at = ImportBatch.State.FAILED, str(refused), \
            timezone.now()
        batch.save(update_fields=["state", "error", "finished_at"])


def give_up_import(*, batch_id: int, reason: str) -> None:
    """The runner will not try the import again: the batch is failed, with why and what to do.
    The rows already imported stay; importing the file again skips them."""
    with transaction.atomic():
        batch = (ImportBatch.objects.select_for_update().select_related("submission")
                 .filter(pk=batch_id).exclude(state=ImportBatch.State.DONE).first())
        if batch is None:
            return
        batch.state, batch.finished_at = ImportBatch.State.FAILED, timezone.now()
        batch.error = _("The import stopped: %(reason)s. The rows imported so far are kept; "
                        "importing the same file again finishes it without registering anyone "
                        "twice.") % {"reason": reason}
        batch.save(update_fields=["state", "finished_at", "error"])
        close_submission(batch.submission,
                         outcome=Outcome.PARTLY if batch.imported else Outcome.REJECTED,
                         detail={**batch.summary(), "error": "import_stopped"})


def run_import(
    *, actor: Actor, batch: ImportBatch, progress: ProgressCallback | None = None,
    on_start: Callable[[int], object] | None = None,
) -> ImportBatch:
    """Import the batch's file: valid households registered, invalid rows quarantined with
    their problems, rows already imported counted as unchanged. Re-running it is harmless, and
    a batch stopped half way (its worker killed) resumes after its last committed chunk.

    A household is imported whole or not at all: when one of its rows has a problem, its other
    rows wait in quarantine too, so that a family is never registered with someone missing."""
    permissions.require(actor, permissions.IMPORT_FILES)
    _check_may_import(actor, batch.organisation)
    if batch.state in {ImportBatch.State.DONE, ImportBatch.State.MAPPING}:
        return batch  # finished by an attempt taken for dead (it was only slow), or not started
    submission = batch.submission
    try:
        sheet = read_sheet(payload_bytes(submission), filename=submission.filename,
                           mapping=ColumnMapping.from_dict(batch.mapping))
    except SpreadsheetOverLimit as refused:
        _discard_refused_file(batch, refused)
        return batch
    except SpreadsheetError as error:
        batch.state, batch.error, batch.finished_at = ImportBatch.State.FAILED, str(error), \
            timezone.now()
        batch.save(update_fields=["state", "error", "finished_at"])
        close_submission(submission, outcome=Outcome.REJECTED, detail={"error": "unreadable"})
        return batch
    batch.total_rows, batch.unknown_columns = len(sheet.rows), sheet.unknown_columns
    batch.rows_per_chunk = batch.rows_per_chunk or settings.INTAKE_IMPORT_ROWS_PER_TRANSACTION
    batch.state = ImportBatch.State.RUNNING
    # Not the counters: chunks committed by an earlier attempt are counted in them already.
    batch.save(update_fields=["total_rows", "unknown_columns", "rows_per_chunk", "state"])
    if on_start:
        on_start(batch.total_rows)

    households: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, values in sheet.rows:
        key = values.get("household_ref", "").strip()
        households.setdefault(f"h:{key}" if key else f"r:{number}", []).append((number, values))
    chunks: list[Chunk] = [[]]
    rows_in_chunk = 0
    for rows in households.values():
        if rows_in_chunk >= batch.rows_per_chunk:
            chunks.append([])
            rows_in_chunk = 0
        chunks[-1].append(rows)
        rows_in_chunk += len(rows)
    done = set(batch.chunks.values_list("number", flat=True))
    to_import = [(n, chunk) for n, chunk in enumerate(chunks) if chunk and n not in done]
    if progress:
        progress(sum(len(rows) for n in done if n < len(chunks) for rows in chunks[n]))
    user = permissions.user_of(actor)
    # The worker processes find the user who imports by id; a system actor imports in sequence.
    if len(to_import) > 1 and user is not None and _may_import_side_by_side():
        _import_chunks_side_by_side(user, batch, to_import, progress)
    else:
        for number, chunk in to_import:
            _import_chunk(actor, batch, number, chunk, progress)
    batch.refresh_from_db(fields=["imported", "unchanged", "quarantined", "processed_rows"])

    batch.state, batch.finished_at = ImportBatch.State.DONE, timezone.now()
    batch.save(update_fields=["state", "finished_at"])
    with transaction.atomic():
        outcome = (Outcome.UNCHANGED if not (batch.imported or batch.quarantined)
                   else Outcome.REJECTED if not (batch.imported or batch.unchanged)
                   else Outcome.PARTLY if batch.quarantined else Outcome.REGISTERED)
        close_submission(submission, outcome=outcome, detail=batch.summary())
        audit.record(actor=actor, action="intake.import_finished", object_type="import",
                     object_id=batch.pk, details=batch.summary())
    return batch


def _import_chunk(
    actor: Actor, batch: ImportBatch, number: int, households: Chunk,
    progress: ProgressCallback | None,
) -> None:
    referrals = []
    for rows in households:
        category = next((v.get("category", "") for _n, v in rows if v.get("category", "").strip()),
                        "")
        referrals.append(Referral(
            members=[v for _n, v in rows], category=category,
            member_prefixes=[f"{n}|" for n, _v in rows],
            fingerprints=["" if external_id_of(v) else row_fingerprint(v) for _n, v in rows],
        ))
    counts = {"imported": 0, "unchanged": 0, "quarantined": 0}
    outermost = not connection.in_atomic_block
    done = sum(len(rows) for rows in households)
    with transaction.atomic():
        if not _claim_chunk(batch, number):
            return  # committed meanwhile by an attempt taken for dead (it was only slow)
        results = register_referrals(
            actor=actor, referrals=referrals, channel=Channel.BULK_IMPORT,
            organisation=batch.organisation,
        )
        quarantine = []
        warnings = []
        for rows, result in zip(households, results, strict=True):
            if result.outcome == "registered":
                counts["imported"] += len(rows)
                warnings += _row_warnings(result.warnings)
            elif result.outcome == "unchanged":
                counts["unchanged"] += len(rows)
            else:
                counts["quarantined"] += len(rows)
                quarantine += _quarantine_rows(batch, rows, result.problems)
        QuarantinedRow.objects.bulk_create(quarantine)
        ImportWarning.objects.bulk_create(
            ImportWarning(batch=batch, row_number=n, warning=w) for n, w in warnings)
        if outermost and connection.vendor == "postgresql":
            # The chunk's deferred foreign-key checks (one per row written) run now rather than
            # at COMMIT: the batch's row below is shared with the other import processes and
            # stays locked until COMMIT, which must then be short.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Increments, not values: two processes may be counting into the same batch.
        ImportBatch.objects.filter(pk=batch.pk).update(
            processed_rows=F("processed_rows") + done,
            **{name: F(name) + n for name, n in counts.items()},
        )
    if progress:
        progress(done)


def _claim_chunk(batch: ImportBatch, number: int) -> bool:
    """Record the chunk as imported, in its own transaction: false when another attempt has
    (on PostgreSQL, an attempt still running makes this wait for its outcome)."""
    try:
        with transaction.atomic():
            ImportChunk.objects.create(batch=batch, number=number)
    except IntegrityError:
        return False
    return True


def _may_import_side_by_side() -> bool:
    """Other processes see only committed rows, and SQLite takes one writer at a time."""
    return (IMPORT_PROCESSES > 1 and connection.vendor == "postgresql"
            and not connection.in_atomic_block)


def _chunk_keys(households: Chunk) -> set[str]:
    """What identifies the chunk's people to a later import: their external ids (as
    normalise_person reads them) or, without one, their row fingerprints."""
    keys = set()
    for rows in households:
        for _n, values in rows:
            external_id = external_id_of(values)
            keys.add(f"x:{external_id}" if external_id else f"f:{row_fingerprint(values)}")
    return keys


def _import_chunks_side_by_side(
    actor: User, batch: ImportBatch, chunks: list[tuple[int, Chunk]],
    progress: ProgressCallback | None,
) -> None:
    """Import the chunks in worker processes, side by side, with the same outcome as one
    after the other: a chunk that shares an external id or a row with a chunk in progress waits
    for that chunk's commit, so it finds those people registered, as it would have in order.
    Each chunk is still its own transaction, committed with its counts."""
    context = multiprocessing.get_context("spawn")  # no inherited connection or lock
    running: dict[Future[int], set[str]] = {}

    def finish(futures: set[Future[int]]) -> None:
        for future in futures:
            del running[future]
            rows = future.result()  # a worker's error stops the import here
            if progress:
                progress(rows)

    with ProcessPoolExecutor(
        max_workers=IMPORT_PROCESSES, mp_context=context, initializer=import_process.start,
        initargs=(connection.settings_dict["NAME"], translation.get_language()),
    ) as pool:
        for number, chunk in chunks:
            keys = _chunk_keys(chunk)
            # One chunk more than there are workers waits in the pool's queue, so that a worker
            # that commits starts on the next chunk at once instead of waiting for this loop.
            while running and (len(running) > IMPORT_PROCESSES
                               or any(keys & other for other in running.values())):
                finish(wait(running, return_when=FIRST_COMPLETED).done)
            running[pool.submit(import_process.import_chunk, batch.pk, actor.pk, number,
                                chunk)] = keys
        while running:
            finish(wait(running, return_when=FIRST_COMPLETED).done)


def _row_warnings(warnings: Sequence[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    """Each warning of a household's rows with its row number (its field named "N|column")."""
    found = []
    for w in warnings:
        row_text, _bar, name = w["field"].partition("|")
        found.append((int(row_text) if row_text.isdigit() else 0, {**w, "field": name}))
    return found


def _quarantine_rows(
    batch: ImportBatch, rows: list[tuple[int, dict[str, str]]], problems: list[dict[str, str]],
) -> list[QuarantinedRow]:
    by_row: dict[int, list[dict[str, str]]] = {n: [] for n, _v in rows}
    shared = []
    for p in problems:
        row_text, bar, name = p["field"].partition("|")
        if bar and row_text.isdigit() and int(row_text) in by_row:
            by_row[int(row_text)].append({**p, "field": name})
        else:
            shared.append(p)
    first_bad = next((n for n, found in by_row.items() if found), None)
    quarantined = []
    for number, values in rows:
        found = by_row[number] + shared
        if not found and first_bad is not None:
            found = [problem(
                "household_ref", "household_held",
                _("Held back with its household: row %(row)s of the same household has a "
                  "problem.") % {"row": first_bad},
                _("Correct row %(row)s and import the file again; the whole household will then "
                  "be registered together.") % {"row": first_bad})]
        quarantined.append(QuarantinedRow(
            batch=batch, row_number=number,
            values={c: values.get(c, "") for c in COLUMNS},
            problems=found,
        ))
    return quarantined


def rebuild_row_fingerprints() -> int:
    """The fingerprints of imported rows written again under the current index key: each
    imported file is read again from its raw submission, each row's digest under the previous
    keys replaced by its digest under the current one. Returns the fingerprints moved."""
    moved = 0
    for batch in ImportBatch.objects.filter(state=ImportBatch.State.DONE).select_related(
            "submission").order_by("pk").iterator():
        try:
            sheet = read_sheet(payload_bytes(batch.submission),
                               filename=batch.submission.filename,
                               mapping=ColumnMapping.from_dict(batch.mapping))
        except SpreadsheetError:
            continue
        with transaction.atomic():
            for _number, values in sheet.rows:
                if external_id_of(values):
                    continue
                old = previous_row_fingerprints(values)
                if old:
                    moved += RowFingerprint.objects.filter(
                        organisation_id=batch.organisation_id, digest__in=old,
                    ).update(digest=row_fingerprint(values))
    return moved
