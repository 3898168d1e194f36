"""Submission exports of ODK Central and KoboToolbox read as a table of one person a row
(decision 0101): group paths taken off the headers, the repeat group of household members
joined to its submission, the submission's instance ID as the household and the people's
external ids, so that importing the same export again changes nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Columns the servers add to every export: not answers, never "unknown columns".
ODK_META = frozenset({
    "SubmissionDate", "KEY", "PARENT_KEY", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
    "FormVersion", "instanceID", "instanceName", "deprecatedID", "start", "end", "today",
    "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit", "uuid",
})
# Columns that say a table is a submission export: each server writes one of them always.
MARKERS = frozenset({"_uuid", "meta/instanceID", "meta-instanceID"})
MEMBERS = "members"  # our form's repeat group (intake.xlsform.MEMBERS_GROUP)
_BRACKETS = re.compile(r"\[\d+\]")


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def column(self, *names: str) -> int:
        for name in names:
            if name in self.header:
                return self.header.index(name)
        return -1

    def value(self, row: Sequence[str], *names: str) -> str:
        i = self.column(*names)
        return str(row[i]).strip() if 0 <= i < len(row) and row[i] is not None else ""


class ExportError(ValueError):
    """An export whose parts do not fit together; the message says what to do."""


def is_export(header: Sequence[str]) -> bool:
    names = {str(h or "").strip() for h in header}
    return bool(names & MARKERS) or {"KEY", "SubmissionDate"} <= names


def is_repeat(table: Table) -> bool:
    return "PARENT_KEY" in table.header or "_parent_index" in table.header


def leaf(header: str) -> str:
    """A header without its group path: `registrant/given_name` (Kobo, ODK with "/"),
    `registrant-given_name` (ODK Central's CSV) and `given_name` alike."""
    name = str(header or "").strip()
    name = name.rsplit("/", 1)[-1]
    if "-" in name and not name.startswith("-"):
        name = name.rsplit("-", 1)[-1]
    return _BRACKETS.sub("", name)


def is_meta(header: str) -> bool:
    name = str(header or "").strip()
    return name.startswith("_") or leaf(name) in ODK_META or name.startswith("meta/") or \
        name.startswith("meta-") or leaf(name).startswith("_")


def instance_id(text: str) -> str:
    """One spelling for a submission's instance ID (ODK's `uuid:…`, Kobo's bare `_uuid`)."""
    text = text.strip()
    if not text:
        return ""
    return text if ":" in text else f"uuid:{text}"


def _submission_id(main: Table, row: Sequence[str]) -> str:
    return instance_id(main.value(row, "meta/instanceID", "meta-instanceID", "instanceID",
                                  "_uuid", "KEY"))


def _members_table(tables: Sequence[Table], main: Table) -> Table | None:
    repeats = [t for t in tables if t is not main and is_repeat(t)]
    named = [t for t in repeats if t.name.rsplit("-", 1)[-1].strip().casefold() == MEMBERS]
    direct = [t for t in repeats if t.column("_parent_table_name") < 0 or any(
        t.value(r, "_parent_table_name") == main.name for r in t.rows[:1])]
    found = named or direct or repeats
    return found[0] if found else None


def to_people(tables: Sequence[Table]) -> tuple[list[str], list[list[str]]]:
    """The export as our kind of table: a header of answer names, then for each submission its
    main row (the registrant) and one row per member of its repeat group, with household_ref
    the submission's instance ID and external_id the instance ID (and the member's place)."""
    mains = [t for t in tables if not is_repeat(t)]
    if not mains:
        raise ExportError(_("This export has no table of submissions (every table names a "
                            "parent). Export the form's submissions again."))
    main = mains[0]
    members = _members_table(tables, main)
    main_columns = [(i, leaf(h)) for i, h in enumerate(main.header) if not is_meta(h)]
    member_columns = [] if members is None else [
        (i, leaf(h)) for i, h in enumerate(members.header) if not is_meta(h)]
    names: list[str] = []
    for _i, name in main_columns + member_columns:
        if name and name not in names and name not in {"external_id", "household_ref"}:
            names.append(name)
    header = ["external_id", "household_ref", *names]

    by_parent: dict[str, list[Sequence[str]]] = {}
    if members is not None:
        index_of = {main.value(r, "_index"): _submission_id(main, r) for r in main.rows
                    if main.value(r, "_index")}
        for row in members.rows:
            # Kobo: the submission's uuid, or the row of the submissions' sheet; ODK: the
            # parent's KEY (a submission's KEY is its instance ID).
            parent = instance_id(members.value(row, "_submission__uuid"))
            parent = parent or index_of.get(members.value(row, "_parent_index") or "-", "")
            parent = parent or instance_id(members.value(row, "PARENT_KEY").split("/", 1)[0])
            by_parent.setdefault(parent, []).append(row)

    rows: list[list[str]] = []
    seen: set[str] = set()
    for row in main.rows:
        submission = _submission_id(main, row)
        if not submission:
            raise ExportError(_("A submission has no instance ID (meta/instanceID, _uuid or "
                                "KEY). Export again with the meta columns included."))
        if submission in seen:
            continue  # the same submission twice in one export: once is enough
        seen.add(submission)
        rows.append(_row(header, submission, submission, row, main_columns))
        for n, member in enumerate(by_parent.get(submission, []), start=1):
            key = members.value(member, "KEY") if members is not None else ""
            external = instance_id(key) if key else f"{submission}/{MEMBERS}[{n}]"
            rows.append(_row(header, external, submission, member, member_columns))
    return header, rows


def _row(header: list[str], external_id: str, household: str, row: Sequence[str],
         columns: Sequence[tuple[int, str]]) -> list[str]:
    values: Mapping[str, str] = {name: "" if i >= len(row) or row[i] is None else str(row[i])
                                 for i, name in reversed(columns)}
    return [external_id, household, *(values.get(name, "") for name in header[2:])]


def _flatten(record: Mapping[str, object], prefix: str = "",
             ) -> tuple[dict[str, str], dict[str, list[Mapping[str, object]]]]:
    """A submission as the APIs send it, flat: answers under their group paths, and each
    repeat group's entries under its name. Kobo's keys are paths already
    (`registrant/given_name`); ODK Central's OData nests groups as objects."""
    answers: dict[str, str] = {}
    repeats: dict[str, list[Mapping[str, object]]] = {}
    for name, value in record.items():
        if "@" in name:
            continue  # OData annotations (navigation links, counts)
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            inner, more = _flatten(value, f"{path}/")
            answers |= inner
            repeats |= more
        elif isinstance(value, list):
            if value and all(isinstance(v, Mapping) for v in value):
                repeats[path.rsplit("/", 1)[-1]] = list(value)
        elif value is not None:
            answers[path] = str(value)
    return answers, repeats


def tables_from_json(document: Mapping[str, object]) -> list[Table]:
    """The pulled document (field_servers.pull_submissions) as an export's tables: the
    submissions, then one table per repeat group linked by _parent_index."""
    submissions = document.get("submissions")
    if not isinstance(submissions, list):
        raise ExportError(_("This file is not a pull of submissions: it has no list of "
                            "submissions."))
    flat: list[dict[str, str]] = []
    entries_of: dict[str, list[dict[str, str]]] = {}
    for index, record in enumerate(submissions, start=1):
        if not isinstance(record, Mapping):
            continue
        answers, groups = _flatten(record)
        flat.append({**answers, "_index": str(index)})
        for name, entries in groups.items():
            entries_of.setdefault(name, []).extend(
                {**_flatten(entry)[0], "_parent_index": str(index)} for entry in entries)
    return [_table_of("submissions", flat),
            *(_table_of(name, rows) for name, rows in entries_of.items())]


def _table_of(name: str, records: list[dict[str, str]]) -> Table:
    header: list[str] = []
    for record in records:
        header += [h for h in record if h not in header]
    return Table(name, header, [[r.get(h, "") for h in header] for r in records])
