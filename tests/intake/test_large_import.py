"""A file of many chunks is imported by several processes on PostgreSQL (one after the other
elsewhere), with the same outcome as a chunk-by-chunk import: each household once, whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from safepassage.audit.models import AuditEntry
from safepassage.intake import services
from safepassage.intake.models import ExternalReference, QuarantinedRow
from safepassage.registry.models import Case, Person
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db(transaction=True)


def household(n: int, size: int, **overrides: str) -> list[dict[str, str]]:
    return [good_row(100 * n + k, household_ref=f"H{n}",
                     relationship_to_head="head" if k == 0 else "son", **overrides)
            for k in range(size)]


def test_a_file_of_many_chunks_registers_each_household_once_and_whole(
    import_csv: Callable[..., Any], settings: Any,
) -> None:
    settings.INTAKE_IMPORT_ROWS_PER_TRANSACTION = 4
    rows = [row for n in range(1, 13) for row in household(n, 1 + n % 3)]
    rows += household(13, 2, date_of_birth="31/02/1985")  # quarantined whole
    # Household 2 again, chunks later: known by then, as it would be one chunk at a time.
    rows += [{**row, "household_ref": "H2-again"} for row in household(2, 1 + 2 % 3)]

    batch = import_csv(csv_bytes(rows))

    registered = sum(1 + n % 3 for n in range(1, 13))
    assert (batch.imported, batch.quarantined, batch.unchanged) == (registered, 2, 3)
    assert batch.processed_rows == batch.total_rows == len(rows)
    assert Case.objects.count() == 12
    assert Person.objects.count() == ExternalReference.objects.count() == registered
    assert [row.problems[0]["code"] for row in QuarantinedRow.objects.all()] == [
        "date_impossible", "date_impossible"]
    assert AuditEntry.objects.filter(action="case.registered").count() == 12


def test_a_household_sent_again_with_someone_new_is_held_as_if_imported_in_order(
    import_csv: Callable[..., Any], settings: Any,
) -> None:
    settings.INTAKE_IMPORT_ROWS_PER_TRANSACTION = 2
    first, second = household(1, 2), household(2, 2)
    # Household 1 again with a third member, in a chunk that may start before household 1's
    # chunk is committed: it must wait, find household 1 registered, and be quarantined.
    again = [{**row, "household_ref": "H1-again"} for row in [*first, good_row(199)]]

    batch = import_csv(csv_bytes([*first, *second, *again]))

    assert (batch.imported, batch.quarantined, batch.unchanged) == (4, 3, 0)
    assert Case.objects.count() == 2
    codes = {p["code"] for row in QuarantinedRow.objects.all() for p in row.problems}
    assert "external_id_registered_elsewhere" in codes


def test_a_household_sent_again_waits_even_for_a_chunk_still_queued(
    import_csv: Callable[..., Any], settings: Any,
) -> None:
    settings.INTAKE_IMPORT_ROWS_PER_TRANSACTION = 2
    households = [household(n, 2) for n in range(1, services.IMPORT_PROCESSES + 2)]
    # The last household's chunk may still wait in the pool's queue behind the workers' chunks
    # when the chunk that repeats it (with a new member) comes up: that one must still wait.
    last = households[-1]
    again = [{**row, "household_ref": "again"} for row in [*last, good_row(999)]]

    batch = import_csv(csv_bytes([*(row for h in households for row in h), *again]))

    assert (batch.imported, batch.quarantined, batch.unchanged) == (2 * len(households), 3, 0)
    assert Case.objects.count() == len(households)
    codes = {p["code"] for row in QuarantinedRow.objects.all() for p in row.problems}
    assert "external_id_registered_elsewhere" in codes
