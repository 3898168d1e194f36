"""From the columns a person or a partner sent to the registry's PersonData, with every problem
named: which field, what was wrong, how to fix it. Shared by the form, the API and imports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from safepassage.intake.relationships import read_relationship
from safepassage.protection.cipher import blind_index, previous_blind_indexes
from safepassage.registry import normalise
from safepassage.registry.models import Category, Language, Relationship, Sex
from safepassage.registry.services import PersonData

# The columns of a partner spreadsheet, in the order of the issue; the API uses the same names.
COLUMNS = (
    "external_id", "given_name", "family_name", "father_name", "name_native", "date_of_birth",
    "sex", "phone", "email", "tazkira_number", "passport_number", "province", "category",
    "household_ref", "relationship_to_head", "referrer", "notes", "preferred_language",
)
PERSON_COLUMNS = tuple(c for c in COLUMNS if c not in {"category", "household_ref"})
MAX_LENGTHS = {"external_id": 100, "notes": 2000, "referrer": 200}
DEFAULT_MAX_LENGTH = 200

_SEX_WORDS = {
    "female": Sex.FEMALE, "f": Sex.FEMALE, "woman": Sex.FEMALE, "femme": Sex.FEMALE,
    "زن": Sex.FEMALE, "ښځه": Sex.FEMALE, "male": Sex.MALE, "m": Sex.MALE, "man": Sex.MALE,
    "homme": Sex.MALE, "h": Sex.MALE, "مرد": Sex.MALE, "نارینه": Sex.MALE,
    "other": Sex.OTHER, "x": Sex.OTHER, "unknown": Sex.UNKNOWN, "": Sex.UNKNOWN,
}
_LANGUAGE_WORDS = {
    "en": Language.ENGLISH, "english": Language.ENGLISH, "fr": Language.FRENCH,
    "french": Language.FRENCH, "francais": Language.FRENCH, "français": Language.FRENCH,
    "fa-af": Language.DARI, "fa_af": Language.DARI, "fa": Language.DARI, "prs": Language.DARI,
    "dari": Language.DARI, "دری": Language.DARI, "ps": Language.PASHTO, "pus": Language.PASHTO,
    "pashto": Language.PASHTO, "pushto": Language.PASHTO, "پښتو": Language.PASHTO,
}


_CATEGORY_VALUES = frozenset(Category.values)
# Read once: TextChoices.values builds a new list at every access, three times a row.
_SEX_VALUES = tuple(Sex.values)
_LANGUAGE_VALUES = tuple(Language.values)
_WORD_SEPARATORS = re.compile(r"[\s\-]+")
_PHONE_SEPARATORS = re.compile(r"[;,]")


def problem(field: str, code: str, message: str, hint: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message, "hint": hint}


def _word(text: str) -> str:
    return _WORD_SEPARATORS.sub("_", text.strip().casefold())


def parse_category(text: str, *, field: str = "category") -> tuple[str, dict[str, str] | None]:
    word = _word(text)
    if not word:
        return Category.OTHER, None
    if word in _CATEGORY_VALUES:
        return word, None
    labels = {_word(str(label)): value for value, label in Category.choices}
    value = labels.get(word)
    if value is None:
        return "", problem(
            field, "category_unknown", _("“%(value)s” is not a category we know.") % {
                "value": text.strip()[:60]},
            _("Use one of: %(values)s.") % {"values": ", ".join(Category.values)},
        )
    return value, None


def _choice(
    text: str, table: Mapping[str, str], *, field: str, code: str, allowed: Sequence[str],
) -> tuple[str, dict[str, str] | None]:
    word = text.strip().casefold()
    if word in table:
        return table[word], None
    if _word(text) in allowed:
        return _word(text), None
    return "", problem(
        field, code, _("“%(value)s” is not a value this column accepts.") % {
            "value": text.strip()[:60]},
        _("Use one of: %(values)s.") % {"values": ", ".join(allowed)},
    )


@dataclass
class NormalisedPerson:
    data: PersonData | None
    external_id: str
    problems: list[dict[str, str]] = field(default_factory=list)
    # Read, but said back to the sender: an unknown relationship word, a misspelling read as
    # the nearest word. They never hold the person or the household.
    warnings: list[dict[str, str]] = field(default_factory=list)


def normalise_person(
    values: Mapping[str, Any], *, is_first: bool, prefix: str = "",
    default_language: str = Language.DARI,
) -> NormalisedPerson:
    """Check and normalise one person's columns. The original date text is kept beside the date;
    names keep their script; phones become E.164; document numbers lose their separators."""
    raw = {k: ("" if values.get(k) is None else str(values.get(k))) for k in PERSON_COLUMNS}
    problems: list[dict[str, str]] = []

    def name(column: str) -> str:
        return prefix + column

    for column, text in raw.items():
        limit = MAX_LENGTHS.get(column, DEFAULT_MAX_LENGTH)
        if len(text) > limit:
            problems.append(problem(
                name(column), "too_long",
                _("This value has %(length)s characters; at most %(limit)s are kept.") % {
                    "length": len(text), "limit": limit},
                _("Shorten it, or move the extra text to notes."),
            ))
            raw[column] = text[:limit]
        if "\x00" in text:
            problems.append(problem(name(column), "control_character",
                                    _("This value contains a NUL character."),
                                    _("Remove the invisible character and send it again.")))

    given_name = normalise.normalise_name(raw["given_name"])
    if not given_name:
        problems.append(problem(
            name("given_name"), "given_name_missing", _("The given name is empty."),
            _("Write the person's given name as on their tazkira or passport."),
        ))
    person = PersonData(
        given_name=given_name,
        family_name=normalise.normalise_name(raw["family_name"]),
        father_name=normalise.normalise_name(raw["father_name"]),
        name_native=normalise.normalise_name(raw["name_native"]),
        province=" ".join(raw["province"].split()),
        notes=raw["notes"].strip(),
    )
    if raw["referrer"].strip():
        referrer = " ".join(raw["referrer"].split())
        person.notes = f"Referred by: {referrer}" + (f"\n{person.notes}" if person.notes
                                                             else "")

    def attempt(column: str, action: Any) -> Any:
        try:
            return action()
        except normalise.NormalisationError as error:
            problems.append(problem(name(column), error.code, error.message, error.hint))
            return None

    if raw["date_of_birth"].strip():
        born = attempt("date_of_birth", lambda: normalise.parse_date_of_birth(
            raw["date_of_birth"], field=name("date_of_birth")))
        if born is not None:
            person.birth_date, person.birth_date_latest = born.earliest, born.latest
            person.birth_date_precision = born.precision
        person.birth_date_text = raw["date_of_birth"]
    if raw["phone"].strip():
        phones = [p for p in _PHONE_SEPARATORS.split(raw["phone"]) if p.strip()]
        person.phones = [e for p in phones if (e := attempt(
            "phone", lambda p=p: normalise.normalise_phone(p, field=name("phone"))))]
    if raw["email"].strip():
        person.email = attempt("email", lambda: normalise.normalise_email(
            raw["email"], field=name("email"))) or ""
    for column in ("tazkira_number", "passport_number"):
        if raw[column].strip():
            setattr(person, column, attempt(column, lambda c=column: (
                normalise.normalise_document_number(raw[c], field=name(c)))) or "")

    sex, error = _choice(raw["sex"], _SEX_WORDS, field=name("sex"), code="sex_unknown",
                         allowed=_SEX_VALUES)
    person.sex = sex or Sex.UNKNOWN
    problems.extend([error] if error else [])
    warnings: list[dict[str, str]] = []
    if raw["relationship_to_head"].strip():
        reading = read_relationship(raw["relationship_to_head"])
        person.relationship_to_head = reading.kind
        written = raw["relationship_to_head"].strip()[:60]
        if not reading.known:
            warnings.append(problem(
                name("relationship_to_head"), "relationship_unknown",
                _("“%(value)s” is not a relationship we know: this person is recorded as "
                  "“other relative”.") % {"value": written},
                _("If that is wrong, a caseworker can correct the relationship; next time "
                  "write a word such as child, spouse, parent, sibling or grandparent.")))
        elif reading.read_as:
            warnings.append(problem(
                name("relationship_to_head"), "relationship_read_as",
                _("“%(value)s” was read as “%(word)s”.") % {
                    "value": written, "word": reading.read_as},
                _("If that is wrong, a caseworker can correct the relationship.")))
    else:
        person.relationship_to_head = Relationship.HEAD if is_first else Relationship.OTHER
    if raw["preferred_language"].strip():
        language, error = _choice(raw["preferred_language"], _LANGUAGE_WORDS, field=name(
            "preferred_language"), code="language_unknown", allowed=_LANGUAGE_VALUES)
        person.preferred_language = language or default_language
        problems.extend([error] if error else [])
    else:
        person.preferred_language = default_language
    return NormalisedPerson(
        data=None if problems else person, external_id=external_id_of(values),
        problems=problems, warnings=warnings,
    )


def external_id_of(values: Mapping[str, Any]) -> str:
    """A row's external_id as it is kept: at most MAX_LENGTHS characters, stripped ("" for
    none). A person is known again by it, or without it by the row's fingerprint."""
    text = values.get("external_id")
    return ("" if text is None else str(text))[:MAX_LENGTHS["external_id"]].strip()


def _canonical_row(values: Mapping[str, Any]) -> str:
    return json.dumps(
        {c: str(values.get(c) or "").strip() for c in COLUMNS}, sort_keys=True,
        ensure_ascii=False,
    )


def row_fingerprint(values: Mapping[str, Any]) -> str:
    """A keyed digest of a row's columns as written (stripped), to recognise a re-imported row
    that carries no external_id. Keyed, so the digest of a known person cannot be guessed."""
    return blind_index(_canonical_row(values), kind="intake-row")


def previous_row_fingerprints(values: Mapping[str, Any]) -> list[str]:
    """The row's fingerprints under the index keys being rotated away (none, most of the time)."""
    return previous_blind_indexes(_canonical_row(values), kind="intake-row")
