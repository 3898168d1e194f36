"""The one helper every CSV export goes through: text a spreadsheet would execute gets a
leading quote and keeps its text; numbers, dates and other text are written as they are."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from safepassage.protection.spreadsheet_cells import SpreadsheetSafeWriter, spreadsheet_safe


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://evil/","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
    "\t=1+1", "\r=1+1", "=1+1", "-", "+", "\uff1d1+1", "-1e5",
])
def test_text_that_would_start_a_formula_is_written_as_text(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", [
    "Zabihullah", "ذبیح الله", "", " =1+1", "1=1", "a@b.org", "'=already quoted",
    "-33.9", "+93701234567", "-2", 3, -2, 1.5, -33.9, None, dt.date(1987, 6, 5),
])
def test_everything_else_is_left_as_it_is(value: object) -> None:
    assert spreadsheet_safe(value) == value


def test_the_writer_neutralises_every_cell_of_every_row() -> None:
    out = io.StringIO()
    writer = SpreadsheetSafeWriter(out)
    writer.writerow(["name", "x"])
    writer.writerows([["=1+1", -4], ["Maryam", "@cmd"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "x"], ["'=1+1", "-4"], ["Maryam", "'@cmd"]]
