"""Partner spreadsheets: valid rows imported, invalid rows quarantined with a reason each, and
importing the same file again creates nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook

from safepassage.accounts.models import Organisation
from safepassage.intake.models import ExternalReference, QuarantinedRow, RawSubmission
from safepassage.intake.selectors import quarantine_report_rows
from safepassage.registry.models import Case, Person
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db


def ten_good_five_bad() -> list[dict[str, str]]:
    rows = [good_row(n) for n in range(1, 11)]
    next_year_sh = dt.date.today().year - 621 + 1
    rows += [
        good_row(11, date_of_birth="31/02/1985"),
        good_row(12, category="astronaut"),
        good_row(13, phone="07700 900123"),  # a British mobile written without +44
        good_row(14, given_name="   "),
        good_row(15, date_of_birth=f"{next_year_sh}/05/24"),
    ]
    return rows


def test_ten_good_rows_are_imported_and_five_bad_ones_quarantined_with_a_reason_each(
    import_csv: Callable[..., Any],
) -> None:
    batch = import_csv(csv_bytes(ten_good_five_bad()))

    assert (batch.imported, batch.quarantined, batch.unchanged) == (10, 5, 0)
    assert Case.objects.count() == 10
    problems = {row.row_number: row.problems for row in QuarantinedRow.objects.all()}
    assert sorted(problems) == [12, 13, 14, 15, 16]  # the header is row 1
    assert [(p[0]["field"], p[0]["code"]) for _n, p in sorted(problems.items())] == [
        ("date_of_birth", "date_impossible"),
        ("category", "category_unknown"),
        ("phone", "phone_wrong_country"),
        ("given_name", "given_name_missing"),
        ("date_of_birth", "date_in_future"),
    ]
    assert all(p[0]["message"] and p[0]["hint"] for p in problems.values())


def test_importing_the_same_file_twice_creates_nothing_new(
    import_csv: Callable[..., Any],
) -> None:
    data = csv_bytes(ten_good_five_bad())
    import_csv(data)
    people = Person.objects.count()

    again = import_csv(data)

    assert (again.imported, again.quarantined, again.unchanged) == (0, 5, 10)
    assert Person.objects.count() == people
    assert Case.objects.count() == 10


def test_a_corrected_report_can_be_imported_and_registers_the_fixed_rows(
    import_csv: Callable[..., Any],
) -> None:
    first = import_csv(csv_bytes(ten_good_five_bad()))
    report = quarantine_report_rows(first)
    header, lines = report[0], report[1:]
    fixed = [dict(zip(header, line, strict=True)) for line in lines]
    for row in fixed:
        row.update(date_of_birth="1985", category="journalist", phone="+44 7700 900123",
                   given_name=row["given_name"].strip() or "Freshta")

    second = import_csv(csv_bytes(fixed, header), filename="report-fixed.csv")

    assert (second.imported, second.quarantined, second.unchanged) == (5, 0, 0)
    assert second.unknown_columns == ["row_number", "field", "problem", "how_to_fix"]
    assert Case.objects.count() == 15


def test_rows_sharing_a_household_ref_form_one_household_held_whole_on_error(
    import_csv: Callable[..., Any],
) -> None:
    rows = [
        good_row(1, household_ref="H1", relationship_to_head="head"),
        good_row(2, household_ref="H1", relationship_to_head="spouse", sex="female"),
        good_row(3, household_ref="H1", relationship_to_head="son"),
        good_row(4, household_ref="H2"),
        good_row(5, household_ref="H2", relationship_to_head="daughter", date_of_birth="1500"),
    ]
    batch = import_csv(csv_bytes(rows))

    assert (batch.imported, batch.quarantined) == (3, 2)
    case = Case.objects.get()
    assert case.household.members.count() == 3
    held = QuarantinedRow.objects.get(row_number=5)
    assert held.problems[0]["code"] == "household_held"


def test_the_original_text_is_kept_beside_the_normalised_values(
    import_csv: Callable[..., Any], partner_org: Organisation,
) -> None:
    import_csv(csv_bytes([good_row(1, date_of_birth="1400/05/24", phone="0093 79 123 4567",
                                   passport_number="p 0123-4567")]))

    person = ExternalReference.objects.get(organisation=partner_org, external_id="NGO-0001").person
    assert person.birth_date == dt.date(2021, 8, 15)
    assert person.birth_date_text == "1400/05/24"
    assert person.phones == ["+93791234567"]
    assert person.passport_number == "P01234567"
    submission = RawSubmission.objects.get()
    assert "0093 79 123 4567" in submission.payload


def test_a_solar_hijri_year_alone_is_kept_as_a_range_of_two_gregorian_years(
    import_csv: Callable[..., Any],
) -> None:
    import_csv(csv_bytes([good_row(1, date_of_birth="1360")]))

    person = Person.objects.get()
    assert (person.birth_date, person.birth_date_latest, person.birth_date_precision) == (
        dt.date(1981, 3, 21), dt.date(1982, 3, 20), "year")


def test_unknown_columns_are_reported_not_fatal(import_csv: Callable[..., Any]) -> None:
    rows = [{"given_name": "Wahid", "favourite_colour": "blue"}]
    batch = import_csv(csv_bytes(rows, ["given_name", "favourite_colour"]))

    assert batch.imported == 1
    assert batch.unknown_columns == ["favourite_colour"]


def test_an_xlsx_file_is_imported_like_a_csv(import_csv: Callable[..., Any]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Given name", "date_of_birth", "phone", "external_id"])
    sheet.append(["Wahid", dt.datetime(1985, 6, 5), 791234567, "X-1"])
    import io

    out = io.BytesIO()
    book.save(out)
    batch = import_csv(out.getvalue(), filename="referrals.xlsx")

    assert batch.imported == 1
    person = Person.objects.get()
    assert person.birth_date == dt.date(1985, 6, 5)
    assert person.phones == ["+93791234567"]


def test_a_file_without_a_given_name_column_fails_with_what_to_do(
    import_csv: Callable[..., Any],
) -> None:
    batch = import_csv(b"name,phone\nWahid,0791234567\n")

    assert batch.state == "failed"
    assert "given_name" in batch.error
    assert RawSubmission.objects.get().outcome == "rejected"
