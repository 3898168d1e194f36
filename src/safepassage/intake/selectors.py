"""Intake's reads: a partner's referrals with their status, and the public status check."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.intake.column_mapping import ColumnMapping, unread_values
from safepassage.intake.models import (
    ExternalReference,
    FormToken,
    ImportBatch,
    Outcome,
    RawSubmission,
    StatusSecret,
    keyed_digest,
)
from safepassage.intake.records import COLUMNS, normalise_person, parse_category
from safepassage.intake.spreadsheets import read_sample
from safepassage.registry.models import Case, Channel, Status
from safepassage.registry.selectors import cases_visible_to


def referrals_of(*, actor: Actor, external_id: str = "") -> QuerySet[Case]:
    permissions.require(actor, permissions.REFER_CASES)
    organisation = actor.organisation_id if permissions.is_partner(actor) else None
    if organisation is None:
        return Case.objects.none()
    cases = cases_visible_to(actor).filter(referring_organisation_id=organisation)
    if external_id:
        cases = cases.filter(household__members__external_references__external_id=external_id,
                             household__members__external_references__organisation_id=(
                                 organisation))
    return cases.order_by("-created_at", "-pk")


def referral(*, actor: Actor, reference: str) -> Case | None:
    return referrals_of(actor=actor).filter(reference=reference[:20]).first()


def referral_statuses(cases: Sequence[Case]) -> list[dict[str, Any]]:
    ids: dict[int, list[str]] = {}
    for household_id, external_id in ExternalReference.objects.filter(
            person__household_id__in=[c.household_id for c in cases]).values_list(
            "person__household_id", "external_id"):
        ids.setdefault(household_id, []).append(external_id)
    return [
        {"reference": c.reference, "status": c.status, "status_label": str(Status(c.status).label),
         "status_changed_at": c.status_changed_at, "registered_at": c.created_at,
         "external_ids": sorted(ids.get(c.household_id, []))}
        for c in cases
    ]


def _compact(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def _normal_reference(reference: str) -> str:
    compact = _compact(reference)
    return f"{compact[:2]}-{compact[2:7]}-{compact[7:]}" if len(compact) == 12 else ""


def case_for_status_page(*, reference: str, secret: str) -> Case | None:
    """The case whose reference and secret both match, or None: a wrong secret and an unknown
    reference look exactly alike. A successful check is audited."""
    normal = _normal_reference(reference)
    digest = keyed_digest(_compact(secret), purpose="status")
    stored = (StatusSecret.objects.filter(case__reference=normal).select_related("case")
              .first() if normal else None)
    expected = stored.digest if stored else keyed_digest("no such case", purpose="status")
    if stored is None or not hmac.compare_digest(expected, digest):
        return None
    audit.record(actor=permissions.STATUS_PAGE, action="case.status_checked", object_type="case",
                 object_id=stored.case.reference)
    return stored.case


def imports_visible_to(actor: Actor) -> QuerySet[ImportBatch]:
    permissions.require(actor, permissions.IMPORT_FILES)
    batches = ImportBatch.objects.select_related("organisation", "started_by")
    if permissions.is_partner(actor):
        organisation = actor.organisation_id
        return batches.filter(organisation_id=organisation) if organisation else batches.none()
    return batches


def quarantine_report(*, actor: Actor, batch_id: int) -> tuple[ImportBatch, list[list[str]]]:
    """A batch's quarantine report to download (rows as the partner sent them): audited."""
    batch = imports_visible_to(actor).get(pk=batch_id)
    audit.record(actor=actor, action="intake.report_downloaded", object_type="import",
                 object_id=batch.pk, details={"rows": batch.quarantined})
    return batch, quarantine_report_rows(batch)


def quarantine_report_rows(batch: ImportBatch) -> list[list[str]]:
    """The downloadable report: one line per quarantined row, its problems first, then the row
    as it was, so the partner can correct the values in place and import the report itself."""
    header = ["row_number", "field", "problem", "how_to_fix", *COLUMNS]
    lines = [header]
    for row in batch.quarantine.all():
        problems = cast(list[dict[str, str]], row.problems)
        values = cast(dict[str, str], row.values)
        lines.append([
            str(row.row_number),
            "; ".join(p["field"] for p in problems),
            " | ".join(p["message"] for p in problems),
            " | ".join(p["hint"] for p in problems),
            *[values.get(c, "") for c in COLUMNS],
        ])
    # Rows imported with a warning follow, without their values: they are registered, and
    # importing them again would register them twice.
    for found in batch.warnings.all():
        warning = cast(dict[str, str], found.warning)
        lines.append([
            str(found.row_number), warning["field"],
            _("Imported, with a warning: %(message)s") % {"message": warning["message"]},
            warning["hint"], *["" for _c in COLUMNS],
        ])
    return lines


@dataclass(frozen=True)
class FormRegistration:
    reference: str
    secret: str  # "" once the time to show it again has passed
    people: int


def registration_of_form(*, token: str) -> FormRegistration | None:
    """What the public form with this one-time token registered (None if nothing): the page
    after a registration, reloaded or reached after a double click, shows it again."""
    found = FormToken.objects.filter(token=token).select_related("case").first()
    reference = (found.case.reference if found.case else found.reference) if found else ""
    if found is None or not reference:
        return None
    fresh = found.secret_until is not None and found.secret_until > timezone.now()
    return FormRegistration(reference=reference, secret=found.secret if fresh else "",
                            people=found.people)


@dataclass(frozen=True)
class MappedColumn:
    index: int
    header: str
    column: str  # ours, or "" (not imported)
    samples: list[str]


@dataclass(frozen=True)
class PreviewRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: list[tuple[str, str]]  # (our column, value as it will be read), in COLUMNS order
    problems: list[dict[str, str]]


@dataclass(frozen=True)
class MappingPreview:
    columns: list[MappedColumn]
    rows: list[PreviewRow]
    unread_values: dict[str, list[str]]  # per list column, the words nothing reads yet
    value_mappings: list[tuple[str, str, str]]  # (our column, their word, our value)


def mapping_preview(*, actor: Actor, batch: ImportBatch, mapping: ColumnMapping,
                    rows: int = 10) -> MappingPreview:
    """How the batch's file will be read through `mapping`: each header with its first values
    and the column it goes to, and the first rows as they will be imported with the problems
    they would be quarantined for (the import checks every row the same way). Audited: the
    rows are people's data."""
    from safepassage.intake.services import payload_bytes

    batch = imports_visible_to(actor).get(pk=batch.pk)
    headers, sample = read_sample(payload_bytes(batch.submission),
                                  filename=batch.submission.filename, rows=max(rows, 50))
    columns = [MappedColumn(i, h, mapping.column_for(h),
                            [str(r[i]) for r in sample[:3] if i < len(r) and str(r[i]).strip()])
               for i, h in enumerate(headers)]
    preview, households = [], set()
    for number, cells in enumerate(sample[:rows], start=2):
        values = {c.column: mapping.value(c.column, cells[c.index])
                  for c in columns if c.column and c.index < len(cells)}
        household = values.get("household_ref", "").strip()
        is_first = not household or household not in households
        households.add(household)
        person = normalise_person(values, is_first=is_first)
        found = person.problems + person.warnings
        if values.get("category", "").strip():
            found += [p for p in [parse_category(values["category"])[1]] if p]
        preview.append(PreviewRow(number, [(c, values[c]) for c in COLUMNS if c in values],
                                  found))
    audit.record(actor=actor, action="intake.mapping_previewed", object_type="import",
                 object_id=batch.pk, details={"rows": len(preview)})
    value_mappings = [(c, word, ours) for c, table in mapping.values.items()
                      for word, ours in table.items()]
    return MappingPreview(columns=columns, rows=preview,
                          unread_values=unread_values(mapping, headers, sample),
                          value_mappings=value_mappings)


@dataclass(frozen=True)
class AcceptedForm:
    """A public form accepted and not registered (yet): "received", or "rejected" with the
    reasons the worker found (each its message and what to do)."""

    reference: str
    outcome: str
    reasons: list[str]


def accepted_form_for_status_page(*, reference: str, secret: str) -> AcceptedForm | None:
    """The accepted public form whose reference and secret both match and that has no case
    yet, or None: as case_for_status_page, a wrong secret and an unknown reference look alike."""
    normal = _normal_reference(reference)
    found = (RawSubmission.objects.filter(reference=normal, channel=Channel.WEB_FORM,
                                          public_id__isnull=False).first() if normal else None)
    work = cast(dict[str, Any], found.work or {}) if found else {}
    expected = str(work.get("secret_digest", "")) or keyed_digest("no such case", purpose="status")
    if found is None or not hmac.compare_digest(expected, keyed_digest(_compact(secret),
                                                                       purpose="status")):
        return None
    if found.outcome == Outcome.RECEIVED:
        return AcceptedForm(reference=normal, outcome="received", reasons=[])
    results = cast(list[dict[str, Any]], found.answer or [])
    if any(r["outcome"] == "registered" for r in results):
        return None  # registered: the case's own status is shown
    return AcceptedForm(reference=normal, outcome="rejected", reasons=[
        f"{p['message']} {p['hint']}" for r in results for p in r["problems"]])


def accepted_submission(*, actor: Actor, public_id: str) -> RawSubmission | None:
    """A submission the actor's organisation sent through the API and that was accepted."""
    permissions.require(actor, permissions.REFER_CASES)
    organisation = actor.organisation_id if permissions.is_partner(actor) else None
    if organisation is None:
        return None
    return RawSubmission.objects.filter(public_id=public_id, organisation_id=organisation,
                                        channel=Channel.PARTNER_API).first()


def submissions_not_registered(*, actor: Actor) -> QuerySet[RawSubmission]:
    """Accepted submissions the worker has not registered whole: still waiting, or held with
    their reasons. Staff see them all; a partner, its own."""
    permissions.require(actor, permissions.IMPORT_FILES)
    held = RawSubmission.objects.filter(public_id__isnull=False).exclude(
        outcome__in=[Outcome.REGISTERED, Outcome.UNCHANGED]).select_related("organisation")
    if permissions.is_partner(actor):
        organisation = actor.organisation_id
        held = held.filter(organisation_id=organisation) if organisation else held.none()
    return held.order_by("-received_at", "-pk")
