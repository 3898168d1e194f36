"""Which blind indexes a person gets, so that exact search works on encrypted data.

Values are normalised before hashing (E.164 phones, upper-case document numbers, lower-case name
tokens), so the same value written differently finds the same person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from safepassage.protection.cipher import blind_index, blind_indexes
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


def digests_for(kind: str, normalised_value: str) -> list[str]:
    """What to look a value up by: its digest under each index key in force (see blind_indexes)."""
    return blind_indexes(normalised_value, kind=kind)


def rebuild_identifiers(*, batch: int = 500) -> int:
    """Every person's blind indexes written again under the current index key, a batch of
    persons per transaction (old rows out, new in, together), while searches go on: they look
    under the previous key as well until the rotation is over. Returns the persons done."""
    from django.db import transaction

    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            persons = list(Person.objects.select_for_update().filter(pk__gt=last_pk)
                           .order_by("pk")[:batch])
            if not persons:
                return done
            Identifier.objects.filter(person__in=persons).delete()
            Identifier.objects.bulk_create(
                [Identifier(person_id=pk, kind=kind, digest=digest)
                 for p in persons for pk, kind, digest in identifier_rows(p)])
        last_pk, done = persons[-1].pk, done + len(persons)
