"""Rows written in bulk (COPY on PostgreSQL) are written as save() would write them: encrypted,
with their keys, and refused whole when they break a constraint."""

import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, connection, transaction

from safepassage.bulk import COPY_FROM_ROWS, create_objects, insert_rows
from safepassage.intake.models import ExternalReference
from safepassage.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def stored_given_name(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM registry_person WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


@pytest.mark.parametrize("count", [3, COPY_FROM_ROWS + 1], ids=["insert", "copy"])
def test_people_created_in_bulk_get_their_keys_and_are_encrypted_at_rest(count: int) -> None:
    household = Household.objects.create()
    names = [f"{name}{n}" for n, name in
             enumerate(itertools.islice(itertools.cycle(["Zarghona", "Freshta", "Wahid"]), count))]
    people = create_objects([
        Person(household_id=household.pk, given_name=name, phones=[f"+93791234{n:03d}"],
               birth_date=dt.date(1960 + n, 1, 2))
        for n, name in enumerate(names)
    ])

    assert len({p.pk for p in people}) == count == Person.objects.count()
    for n, (person, name) in enumerate(zip(people, names, strict=True)):
        assert stored_given_name(person.pk).startswith("v1:")
        assert name not in stored_given_name(person.pk)
        read = Person.objects.get(pk=person.pk)
        assert (read.given_name, read.phones, read.birth_date) == (
            name, [f"+93791234{n:03d}"], dt.date(1960 + n, 1, 2))
        assert read.created_at is not None


@pytest.mark.parametrize("count", [2, COPY_FROM_ROWS + 1], ids=["insert", "copy"])
def test_a_repeated_external_id_in_bulk_is_refused_and_the_transaction_goes_on(
        make_case, make_organisation, count: int) -> None:
    organisation = make_organisation()
    person = make_case().household.members.get()
    insert_rows(ExternalReference, ("organisation", "external_id", "person"),
                [(organisation.pk, "NGO-1", person.pk)])

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(ExternalReference, ("organisation", "external_id", "person"),
                    [*((organisation.pk, f"NGO-{n + 2}", person.pk) for n in range(count - 1)),
                     (organisation.pk, "NGO-1", person.pk)])

    assert list(ExternalReference.objects.values_list("external_id", flat=True)) == ["NGO-1"]
