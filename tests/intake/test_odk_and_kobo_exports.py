"""Submission exports from ODK Central and KoboToolbox import with no hand editing: the format
is recognised, the members' repeat group joined to its submission, the meta columns left out,
and the instance ID keeps a second import of the same export from registering anyone twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Organisation
from safepassage.intake.models import ExternalReference, ImportBatch
from safepassage.registry.models import Household, Person
from tests.intake.field_exports import (
    PEOPLE,
    SUBMISSIONS,
    kobo_csv,
    kobo_xlsx,
    odk_central_csv,
    odk_central_zip,
)

pytestmark = pytest.mark.django_db


def _households() -> list[list[tuple[str, str]]]:
    return sorted(
        sorted((p.given_name, p.relationship_to_head) for p in h.members.all())
        for h in Household.objects.prefetch_related("members"))


EXPECTED = sorted([
    sorted([("Zabihullah", "head"), ("Maryam", "spouse"), ("Omid", "son")]),
    [("Shakiba", "head")],
])


@pytest.mark.parametrize(("make", "filename"), [
    (odk_central_zip, "safepassage_registration.csv.zip"),
    (kobo_xlsx, "Register_for_evacuation_-_all_versions_-_English_en_-_2026-12-01.xlsx"),
])
def test_an_export_with_its_repeat_group_imports_whole_and_again_unchanged(
    import_csv: Callable[..., Any], make: Callable[[], bytes], filename: str,
) -> None:
    batch = import_csv(make(), filename=filename)

    assert (batch.state, batch.imported, batch.quarantined, batch.unchanged) == (
        ImportBatch.State.DONE, PEOPLE, 0, 0)
    assert batch.unknown_columns == []  # meta columns are not answers
    assert _households() == EXPECTED
    people = {p.given_name: p for p in Person.objects.select_related("household__case")}
    head = people["Zabihullah"]
    assert head.phones == ["+93791234567"]
    assert head.household.case.category == "interpreter"
    assert people["Shakiba"].household.case.category == "journalist"
    uuid = SUBMISSIONS[0]["uuid"]
    assert set(ExternalReference.objects.filter(person__household=head.household)
               .values_list("external_id", flat=True)) == {
        f"uuid:{uuid}", f"uuid:{uuid}/members[1]", f"uuid:{uuid}/members[2]"}

    again = import_csv(make(), filename=filename)
    assert (again.imported, again.quarantined, again.unchanged) == (0, 0, PEOPLE)
    assert Person.objects.count() == PEOPLE


def test_odk_and_kobo_exports_of_the_same_submissions_are_the_same_people(
    import_csv: Callable[..., Any],
) -> None:
    """Both servers' exports carry the instance ID: one export after the other adds no one."""
    import_csv(odk_central_zip(), filename="safepassage_registration.csv.zip")
    again = import_csv(kobo_xlsx(), filename="kobo.xlsx")
    assert (again.imported, again.unchanged) == (0, PEOPLE)


@pytest.mark.parametrize(("make", "filename"), [
    (odk_central_csv, "safepassage_registration.csv"),  # group paths joined by "-"
    (kobo_csv, "kobo.csv"),  # ";" and group paths joined by "/"
])
def test_a_csv_of_the_submissions_alone_imports_each_registrant(
    import_csv: Callable[..., Any], make: Callable[[], bytes], filename: str,
) -> None:
    batch = import_csv(make(), filename=filename)
    assert (batch.imported, batch.quarantined, batch.unknown_columns) == (2, 0, [])
    assert sorted(Person.objects.values_list("given_name", flat=True)) == [
        "Shakiba", "Zabihullah"]
    assert import_csv(make(), filename=filename).unchanged == 2


def test_a_member_added_to_an_imported_submission_is_held_not_registered_twice(
    import_csv: Callable[..., Any], partner_org: Organisation,
) -> None:
    """An edited submission that gained a member: the household is known, so the rows wait in
    quarantine with the reason (registering the new member is a caseworker's correction)."""
    import_csv(kobo_xlsx(), filename="kobo.xlsx")
    grown = [dict(s) for s in SUBMISSIONS]
    grown[1] = {**grown[1], "members": [{
        "given_name": "Sana", "family_name": "Rahimi", "relationship_to_head": "daughter",
        "date_of_birth": "2015", "sex": "female", "tazkira_number": "", "passport_number": ""}]}
    batch = import_csv(kobo_xlsx(grown), filename="kobo.xlsx")
    assert (batch.imported, batch.unchanged, batch.quarantined) == (0, 3, 2)
    codes = {p["code"] for row in batch.quarantine.all() for p in row.problems}
    assert "external_id_registered_elsewhere" in codes
    assert Person.objects.count() == PEOPLE


def test_a_partner_spreadsheet_is_not_taken_for_an_export(
    import_csv: Callable[..., Any],
) -> None:
    """Only the servers' own meta columns mark an export; a column named KEY or _index in a
    partner's spreadsheet does not."""
    batch = import_csv(b"given_name,KEY,_index\nWahid,7,1\n", filename="partner.csv")
    assert (batch.imported, batch.unknown_columns) == (1, ["KEY", "_index"])
