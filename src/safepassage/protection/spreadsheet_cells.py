"""Cells a spreadsheet would execute, neutralised: every CSV the product writes goes through
`spreadsheet_safe` (or `SpreadsheetSafeWriter`), so that a name typed as `=HYPERLINK(…)` reaches
a carrier's clerk as text, not as a formula (OWASP "CSV injection"; decision 0020)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

# What Excel, LibreOffice and Google Sheets read as the start of a formula (OWASP's list), and
# the full-width forms some of them fold to the same characters.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A lone signed decimal number is read as a number and can execute nothing: it keeps its sign
# (a coordinate such as -33.9, a phone number such as +93701234567).
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def spreadsheet_safe(value: object) -> object:
    """The value as a cell that no spreadsheet executes: text that would start a formula gets a
    leading single quote, everything else (numbers, dates, other text) is left as it is."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def spreadsheet_safe_row(values: Iterable[object]) -> list[object]:
    return [spreadsheet_safe(v) for v in values]


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SpreadsheetSafeWriter:
    """csv.writer whose every cell goes through spreadsheet_safe: the one way the product
    writes CSV."""

    def __init__(self, out: _Writable, **format_options: Any) -> None:
        self._writer = csv.writer(out, **format_options)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(spreadsheet_safe_row(values))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
