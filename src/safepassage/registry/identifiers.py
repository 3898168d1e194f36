"""Which blind indexes a person gets, so that exact search works on encrypted data.

Values are normalised before hashing (E.164 phones, upper-case document numbers, lower-case name
tokens), so the same value written differently finds the same person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from safepassage.protection.cipher import blind_index
from safepassage.registry.models import Identifier, Person

_TOKEN_SPLIT = re.compile(r"[\s\-‐_.,'’]+")  # noqa: RUF001 - the Unicode hyphen and apostrophe are meant


def name_tokens(*names: str) -> set[str]:
    tokens: set[str] = set()
    for name in names:
        folded = unicodedata.normalize("NFC", name or "").casefold()
        tokens.update(t for t in _TOKEN_SPLIT.split(folded) if len(t) > 1)
    return tokens


def identifier_values(person: Person) -> Iterable[tuple[str, str]]:
    for phone in person.phones or []:
        yield Identifier.Kind.PHONE, phone
    if person.email:
        yield Identifier.Kind.EMAIL, person.email.casefold()
    if person.tazkira_number:
        yield Identifier.Kind.TAZKIRA, person.tazkira_number
    if person.passport_number:
        yield Identifier.Kind.PASSPORT, person.passport_number
    for token in name_tokens(
        person.given_name, person.family_name, person.father_name, person.name_native
    ):
        yield Identifier.Kind.NAME, token


def identifier_rows(person: Person) -> list[tuple[int, str, str]]:
    """(person id, kind, digest) for each distinct value of a saved person."""
    seen = {(kind, blind_index(value, kind=kind)) for kind, value in identifier_values(person)}
    return [(person.pk, kind, digest) for kind, digest in sorted(seen)]


def digest_for(kind: str, normalised_value: str) -> str:
    return blind_index(normalised_value, kind=kind)
