"""Reading partner spreadsheets (CSV in any common encoding and delimiter, XLSX) into rows of
text, with the header mapped to our columns and unknown columns named."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from safepassage.intake.records import COLUMNS


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class Sheet:
    columns: list[str]  # our column name for each position, "" for an unknown column
    unknown_columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, values)


def _header_name(text: str) -> str:
    return "_".join(str(text or "").strip().casefold().replace("-", " ").split())


def read_sheet(data: bytes, *, filename: str) -> Sheet:
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        raw_rows = _xlsx_rows(data)
    else:
        raw_rows = _csv_rows(data)
    try:
        header = next(raw_rows)
    except StopIteration:
        raise SpreadsheetError(_("The file is empty.")) from None
    names = [_header_name(h) for h in header]
    columns = [n if n in COLUMNS else "" for n in names]
    unknown = [str(h).strip() for h, c in zip(header, columns, strict=True) if not c and str(
        h or "").strip()]
    if "given_name" not in columns:
        raise SpreadsheetError(_(
            "The header row has no given_name column. The first row must name the columns: "
            "%(columns)s (any order; only given_name is required)."
        ) % {"columns": ", ".join(COLUMNS)})
    rows = []
    for number, cells in enumerate(raw_rows, start=2):
        values = {c: cells[i] for i, c in enumerate(columns) if c and i < len(cells)}
        if any(v.strip() for v in values.values()):
            rows.append((number, values))
    return Sheet(columns=columns, unknown_columns=unknown, rows=rows)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Excel on Windows saves CSV as cp1252 (Latin) or cp1256 (Arabic script); Latin-1 never fails.
    try:
        return data.decode("cp1256")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(
            _("This file could not be read as an XLSX workbook. Save it again as .xlsx or .csv.")
        ) from error
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield [_cell(v) for v in row]
    book.close()
