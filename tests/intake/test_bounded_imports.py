"""Imports within limits (issue 17, item 1): a file over a limit is refused, naming the limit
and the figure, and nothing of it is kept but a record of the refusal. The size and the zip
directory are checked at once, before anything is inflated; rows, columns and cells while the
background runner reads the file, row by row (the web process never parses it)."""

from __future__ import annotations

import io
import resource
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Organisation, Role
from safepassage.intake.models import ImportBatch, Outcome, QuarantinedRow, RawSubmission
from safepassage.intake.spreadsheets import SpreadsheetError, read_sheet
from safepassage.registry.models import Case
from tests.conftest import run_ready_tasks
from tests.intake import attacks

pytestmark = pytest.mark.django_db


def upload(client: Any, organisation: Organisation, data: bytes, name: str) -> Any:
    return client.post("/intake/imports/", {
        "organisation": organisation.pk, "file": SimpleUploadedFile(name, data),
    }, follow=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def assert_refused_with_only_a_record(batch: ImportBatch, setting: str) -> None:
    assert batch.state == ImportBatch.State.FAILED
    assert setting in batch.error
    submission = RawSubmission.objects.get(pk=batch.submission_id)
    assert submission.outcome == Outcome.REJECTED
    assert submission.outcome_detail["limit"]["name"] == setting
    assert submission.payload == ""  # nothing stored but the record of the refusal
    assert len(submission.outcome_detail["sha256"]) == 64
    assert not QuarantinedRow.objects.exists()
    assert not Case.objects.exists()


def test_a_workbook_whose_cell_unpacks_to_400_mb_is_refused_at_once_from_the_page(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    bomb = attacks.one_huge_cell_xlsx()
    client, _user = client_for(Role.CASEWORKER)
    client.get("/intake/imports/")  # the first request of a process loads what it needs
    before = peak_rss_mb()
    started = time.monotonic()

    page = upload(client, partner_org, bomb, "referrals.xlsx")

    assert time.monotonic() - started < 5
    assert peak_rss_mb() - before < 100  # nothing inflated
    batch = ImportBatch.objects.get()
    assert not DBTaskResult.objects.exists()  # refused before it reached the runner
    assert_refused_with_only_a_record(batch, "SAFEPASSAGE_IMPORT_MAX_RATIO")
    text = page.content.decode()
    assert "SAFEPASSAGE_IMPORT_MAX_RATIO" in text and "the limit is 100 times" in text


def test_a_workbook_that_unpacks_past_the_limit_is_refused_naming_both_figures(
    client_for: Callable[..., Any], partner_org: Organisation, settings: Any,
) -> None:
    settings.INTAKE_IMPORT_MAX_RATIO = 100_000
    settings.INTAKE_IMPORT_MAX_UNPACKED_BYTES = 50_000_000
    client, _user = client_for(Role.CASEWORKER)

    upload(client, partner_org, attacks.one_huge_cell_xlsx(60_000_000), "referrals.xlsx")

    batch = ImportBatch.objects.get()
    assert_refused_with_only_a_record(batch, "SAFEPASSAGE_IMPORT_MAX_UNPACKED_BYTES")
    assert "the limit is 50,000,000 bytes" in batch.error and "unpacks to 60,01" in batch.error


def test_a_workbook_of_three_million_rows_is_refused_in_seconds(
    client_for: Callable[..., Any], partner_org: Organisation,
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    started = time.monotonic()

    upload(client, partner_org, attacks.many_rows_xlsx(), "rows.xlsx")
    run_ready_tasks()

    assert time.monotonic() - started < 30
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.FAILED
    assert "limit" in batch.error
    assert not Case.objects.exists()
    assert RawSubmission.objects.get().payload == ""


def test_rows_over_the_limit_are_refused_by_the_runner_never_parsed_by_the_web_process(
    client_for: Callable[..., Any], partner_org: Organisation, settings: Any,
) -> None:
    settings.INTAKE_IMPORT_MAX_ROWS = 1000
    client, _user = client_for(Role.CASEWORKER)

    upload(client, partner_org, attacks.many_rows_xlsx(1500), "rows.xlsx")

    # The page only kept the file and queued its import: not one row was read.
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.QUEUED and batch.total_rows == 0
    assert RawSubmission.objects.get().payload != ""
    assert DBTaskResult.objects.get().queue_name == "imports"

    assert run_ready_tasks("imports") == 1

    batch.refresh_from_db()
    assert_refused_with_only_a_record(batch, "SAFEPASSAGE_IMPORT_MAX_ROWS")
    assert "more than 1,000 rows" in batch.error and "row 1,002 is past the limit" in batch.error


@pytest.mark.parametrize(("data", "name", "setting", "words"), [
    (attacks.csv_rows(1001), "a.csv", "SAFEPASSAGE_IMPORT_MAX_ROWS", "more than 1,000 rows"),
    (attacks.wide_csv(150), "a.csv", "SAFEPASSAGE_IMPORT_MAX_COLUMNS", "151 columns"),
    (attacks.long_cell_csv(20_000), "a.csv", "SAFEPASSAGE_IMPORT_MAX_CELL_CHARS",
     "20,000 characters"),
    (attacks.long_cell_csv(500_000), "a.csv", "SAFEPASSAGE_IMPORT_MAX_CELL_CHARS",
     "the limit is 10,000"),
    (attacks.rows_xlsx([["given_name", "notes"], ["Ali", "x" * 20_000]]), "a.xlsx",
     "SAFEPASSAGE_IMPORT_MAX_CELL_CHARS", "20,000 characters"),
    (attacks.rows_xlsx([["given_name", *(f"c{n}" for n in range(150))]]), "a.xlsx",
     "SAFEPASSAGE_IMPORT_MAX_COLUMNS", "151 columns"),
])
def test_a_csv_or_workbook_over_a_limit_is_refused_with_the_limit_and_the_figure(
    import_csv: Callable[..., Any], settings: Any, data: bytes, name: str, setting: str,
    words: str,
) -> None:
    settings.INTAKE_IMPORT_MAX_ROWS = 1000

    batch = import_csv(data, filename=name)

    assert_refused_with_only_a_record(batch, setting)
    assert words in batch.error


def test_a_sheet_that_declares_a_million_rows_and_columns_but_holds_few_is_imported(
    import_csv: Callable[..., Any], settings: Any,
) -> None:
    settings.INTAKE_IMPORT_MAX_ROWS = 1000
    data = attacks.declared_huge_xlsx([["given_name", "family_name"], ["Ali", "Karimi"],
                                       ["Maryam", "Sadat"]])

    batch = import_csv(data, filename="formatted.xlsx")

    assert (batch.state, batch.imported, batch.error) == (ImportBatch.State.DONE, 2, "")


def test_a_file_over_the_size_limit_is_refused_at_once(
    import_csv: Callable[..., Any], settings: Any,
) -> None:
    settings.INTAKE_IMPORT_MAX_BYTES = 1000

    batch = import_csv(attacks.csv_rows(600))

    assert_refused_with_only_a_record(batch, "SAFEPASSAGE_IMPORT_MAX_BYTES")
    assert "1,211 bytes; the limit is 1,000 bytes" in batch.error
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_zip_whose_headers_lie_about_the_size_is_read_no_further_than_declared(
    settings: Any,
) -> None:
    lying = attacks.lying_directory_xlsx()
    before = peak_rss_mb()

    with pytest.raises(SpreadsheetError, match="could not be read as an XLSX workbook"):
        read_sheet(lying, filename="lying.xlsx")

    assert peak_rss_mb() - before < 40  # 50 MB inflate to no more than the 10 KB declared


@pytest.mark.parametrize("data", [attacks.billion_laughs_xlsx(), attacks.many_members_zip()])
def test_entity_expansion_and_a_zip_of_thousands_of_parts_are_refused(data: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(SpreadsheetError):
        read_sheet(data, filename="x.xlsx")
    assert time.monotonic() - started < 5


def test_the_import_command_says_which_limit_a_file_is_over(
    partner_org: Organisation, settings: Any, tmp_path: Any,
) -> None:
    settings.INTAKE_IMPORT_MAX_ROWS = 10
    path = tmp_path / "rows.csv"
    path.write_bytes(attacks.csv_rows(11))

    with pytest.raises(CommandError, match="SAFEPASSAGE_IMPORT_MAX_ROWS"):
        call_command("import_file", str(path), "--org", partner_org.name, stdout=io.StringIO())
