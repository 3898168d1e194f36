"""Reading partner spreadsheets (CSV in any common encoding and delimiter, XLSX) into rows of
text, with the header mapped to our columns and unknown columns named, within the limits of
docs/security.md ("Limits"): a file over one is refused, naming the limit and the figure."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from safepassage.intake import field_forms
from safepassage.intake.column_mapping import IGNORE, ColumnMapping, header_key
from safepassage.intake.records import COLUMNS


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


class SpreadsheetOverLimit(SpreadsheetError):
    """The file is over one of the limits: its setting, the limit and the figure found."""

    def __init__(self, message: str, *, setting: str, limit: int, figure: int) -> None:
        super().__init__(message)
        self.setting, self.limit, self.figure = setting, limit, figure

    def detail(self) -> dict[str, object]:
        return {"error": "over_limit", "limit": {
            "name": self.setting, "value": self.limit, "figure": self.figure}}


@dataclass(frozen=True)
class Limits:
    """What an imported file may hold (settings.INTAKE_IMPORT_MAX_*)."""

    max_bytes: int
    max_unpacked_bytes: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.INTAKE_IMPORT_MAX_BYTES,
            max_unpacked_bytes=settings.INTAKE_IMPORT_MAX_UNPACKED_BYTES,
            max_ratio=settings.INTAKE_IMPORT_MAX_RATIO,
            max_rows=settings.INTAKE_IMPORT_MAX_ROWS,
            max_columns=settings.INTAKE_IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.INTAKE_IMPORT_MAX_CELL_CHARS,
        )


# A member smaller than this is never refused for its ratio: small XML compresses well.
RATIO_FLOOR_BYTES = 1_000_000
# The members of an XLSX workbook; a zip with many more is not a workbook.
MAX_ZIP_MEMBERS = 1000
# Excel's own last row: empty rows count to it (rows with something in them count to
# SAFEPASSAGE_IMPORT_MAX_ROWS), so that rows formatted down the sheet do not refuse a file.
MAX_SHEET_ROWS = 1_048_576


def _n(number: int) -> str:
    return f"{number:,}"


def is_xlsx(data: bytes, filename: str) -> bool:
    return filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"


def check_file(data: bytes, *, filename: str, limits: Limits | None = None) -> None:
    """What can be checked without reading a cell, at once (the web process does it before it
    keeps the file): the file's size and, for an XLSX, the sizes of its parts as its zip's
    central directory declares them, before anything is inflated. Raises SpreadsheetOverLimit
    or SpreadsheetError."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise SpreadsheetOverLimit(_(
            "This file has %(figure)s bytes; the limit is %(limit)s bytes "
            "(SAFEPASSAGE_IMPORT_MAX_BYTES). Split it into smaller files.") % {
            "figure": _n(len(data)), "limit": _n(limits.max_bytes)},
            setting="SAFEPASSAGE_IMPORT_MAX_BYTES", limit=limits.max_bytes, figure=len(data))
    if is_xlsx(data, filename):
        _check_zip_directory(data, limits)


def _declared_members(data: bytes) -> int:
    """The number of members the zip's end record declares, read before the central directory
    itself is (a directory of a million members is itself a bomb)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0:
        return 0
    members = int.from_bytes(data[end + 10:end + 12], "little")
    if members == 0xFFFF:  # Zip64: the count is in the Zip64 end record
        end64 = data.rfind(b"PK\x06\x06", 0, end)
        members = int.from_bytes(data[end64 + 32:end64 + 40], "little") if end64 >= 0 else 0
    return members


def _unreadable_xlsx() -> SpreadsheetError:
    return SpreadsheetError(
        _("This file could not be read as an XLSX workbook. Save it again as .xlsx or .csv."))


def _check_zip_directory(data: bytes, limits: Limits) -> None:
    members = _declared_members(data)
    if members > MAX_ZIP_MEMBERS:
        raise SpreadsheetOverLimit(_(
            "This workbook has %(figure)s parts; a workbook has at most %(limit)s. Save it "
            "again as .xlsx or .csv.") % {"figure": _n(members), "limit": _n(MAX_ZIP_MEMBERS)},
            setting="MAX_ZIP_MEMBERS", limit=MAX_ZIP_MEMBERS, figure=members)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _unreadable_xlsx() from None
    unpacked = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _unreadable_xlsx()  # Excel writes no other; others inflate without a bound
        unpacked += info.file_size
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
            raise SpreadsheetOverLimit(_(
                "A part of this workbook unpacks to %(ratio)s times its packed size; the limit "
                "is %(limit)s times (SAFEPASSAGE_IMPORT_MAX_RATIO). Save it again as .xlsx or "
                ".csv, or split it.") % {"ratio": _n(ratio), "limit": _n(limits.max_ratio)},
                setting="SAFEPASSAGE_IMPORT_MAX_RATIO", limit=limits.max_ratio, figure=ratio)
    if unpacked > limits.max_unpacked_bytes:
        raise SpreadsheetOverLimit(_(
            "This workbook unpacks to %(figure)s bytes; the limit is %(limit)s bytes "
            "(SAFEPASSAGE_IMPORT_MAX_UNPACKED_BYTES). Split it into smaller files.") % {
            "figure": _n(unpacked), "limit": _n(limits.max_unpacked_bytes)},
            setting="SAFEPASSAGE_IMPORT_MAX_UNPACKED_BYTES", limit=limits.max_unpacked_bytes,
            figure=unpacked)


@dataclass
class Sheet:
    columns: list[str]  # our column name for each position, "" for an unknown column
    unknown_columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, values)


def read_sheet(data: bytes, *, filename: str, limits: Limits | None = None,
               mapping: ColumnMapping | None = None) -> Sheet:
    """The file's rows, read as a stream and refused (SpreadsheetOverLimit) at the first row,
    column or cell over a limit, before the next is read. Headers are read through the mapping
    (a partner's own headers and values, decision 0100); without one, only our own names."""
    header, raw_rows = _header_and_rows(data, filename=filename, limits=limits)
    mapping = mapping or ColumnMapping()
    columns = [mapping.column_for(str(h or "")) for h in header]
    ignored = {header_key(h) for h, c in mapping.columns.items() if c == IGNORE}
    unknown = [str(h).strip() for h, c in zip(header, columns, strict=True) if not c and str(
        h or "").strip() and header_key(str(h)) not in ignored]
    if "given_name" not in columns:
        raise SpreadsheetError(_(
            "The header row has no given_name column. The first row must name the columns: "
            "%(columns)s (any order; only given_name is required), or the import needs a "
            "column mapping (the import page suggests one; on the command line, "
            "--suggest-mapping prints one to edit and --mapping uses it)."
        ) % {"columns": ", ".join(COLUMNS)})
    valued = [(i, c) for i, c in enumerate(columns) if c]
    rows = []
    for number, cells in enumerate(raw_rows, start=2):
        values = {c: mapping.value(c, cells[i]) for i, c in valued if i < len(cells)}
        if any(v.strip() for v in values.values()):
            rows.append((number, values))
    return Sheet(columns=columns, unknown_columns=unknown, rows=rows)


def _header_and_rows(data: bytes, *, filename: str, limits: Limits | None
                     ) -> tuple[list[str], Iterator[list[str]]]:
    """The header row and an iterator over the rows after it, as a table of one person a row:
    an ODK Central or KoboToolbox export is read as one already (field_forms)."""
    limits = limits or Limits.from_settings()
    check_file(data, filename=filename, limits=limits)
    if filename.lower().endswith(".json"):
        return _export_rows(_pulled_tables(data, limits))
    if is_xlsx(data, filename):
        if not _is_workbook(data):
            return _export_rows(_zipped_csv_tables(data, limits))
        names = _xlsx_sheet_names(data)
        if len(names) > 1:
            tables = [_table(name, _bounded(_xlsx_rows(data, i), limits))
                      for i, name in enumerate(names)]
            if any(field_forms.is_export(t.header) for t in tables):
                return _export_rows(tables)
        raw_rows = _bounded(_xlsx_rows(data), limits)
    else:
        raw_rows = _bounded(_csv_rows(data), limits)
    try:
        header = next(raw_rows)
    except StopIteration:
        raise SpreadsheetError(_("The file is empty.")) from None
    if field_forms.is_export(header):
        return _export_rows([field_forms.Table("", header, list(raw_rows))])
    return header, raw_rows


def _table(name: str, rows: Iterator[list[str]]) -> field_forms.Table:
    header = next(rows, [])
    return field_forms.Table(name, [str(h or "").strip() for h in header], list(rows))


def _export_rows(tables: list[field_forms.Table]) -> tuple[list[str], Iterator[list[str]]]:
    """An ODK Central or KoboToolbox export as one person a row (field_forms)."""
    try:
        header, rows = field_forms.to_people(tables)
    except field_forms.ExportError as error:
        raise SpreadsheetError(str(error)) from None
    return header, iter(rows)


def _pulled_tables(data: bytes, limits: Limits) -> list[field_forms.Table]:
    """Submissions pulled from KoboToolbox or ODK Central (field_servers), within the limits."""
    try:
        document = json.loads(data.decode("utf-8"))
        tables = field_forms.tables_from_json(document if isinstance(document, dict) else {})
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SpreadsheetError(_("This file is not JSON pulled from KoboToolbox or ODK "
                                 "Central.")) from None
    except field_forms.ExportError as error:
        raise SpreadsheetError(str(error)) from None
    for table in tables:
        for _cells in _bounded(iter([table.header, *table.rows]), limits):
            pass
    return tables


def _is_workbook(data: bytes) -> bool:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True  # the workbook reader says it cannot read it
    return "[Content_Types].xml" in names or "xl/workbook.xml" in names


def _zipped_csv_tables(data: bytes, limits: Limits) -> list[field_forms.Table]:
    """ODK Central's "all data" download: a zip of CSV files, the submissions and one file per
    repeat group (media files beside them are not read). The zip's sizes were checked against
    the limits before (check_file)."""
    tables = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.filename.lower().endswith(".csv") or info.is_dir():
                    continue
                name = info.filename.rsplit("/", 1)[-1][:-4]
                # Inflated no further than the size the directory declares (checked before):
                # a part that inflates to more fails its CRC check here.
                tables.append(_table(name, _bounded(_csv_rows(archive.read(info)), limits)))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise SpreadsheetError(_(
            "This zip file could not be read. Download the export from ODK Central again, or "
            "import a CSV or XLSX file.")) from None
    if not tables:
        raise SpreadsheetError(_(
            "This zip file holds no CSV file. Import a CSV or XLSX file, or the zip that ODK "
            "Central downloads with the submissions."))
    # The submissions' file first: the one no other names as its parent.
    tables.sort(key=field_forms.is_repeat)
    return tables


def read_sample(data: bytes, *, filename: str, rows: int = 20,
                limits: Limits | None = None) -> tuple[list[str], list[list[str]]]:
    """The header row and the first rows as written, for suggesting and previewing a mapping."""
    header, raw_rows = _header_and_rows(data, filename=filename, limits=limits)
    sample = []
    for cells in raw_rows:
        if any(c.strip() for c in cells):
            sample.append(cells)
        if len(sample) >= rows:
            break
    return [str(h or "").strip() for h in header], sample


def _bounded(rows: Iterator[list[str]], limits: Limits) -> Iterator[list[str]]:
    """The rows, each checked as it is read: the rows after the header, the columns of each
    and the characters of each cell."""
    filled = 0
    for number, cells in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise SpreadsheetOverLimit(_(
                "This file has more than %(limit)s rows, empty ones included; a spreadsheet has "
                "at most %(limit)s. Save it again as .xlsx or .csv.") % {
                "limit": _n(MAX_SHEET_ROWS)},
                setting="MAX_SHEET_ROWS", limit=MAX_SHEET_ROWS, figure=number)
        filled += number > 1 and any(c.strip() for c in cells)
        if filled > limits.max_rows:
            raise SpreadsheetOverLimit(_(
                "This file has more than %(limit)s rows (SAFEPASSAGE_IMPORT_MAX_ROWS): row "
                "%(figure)s is past the limit. Split it into files of at most %(limit)s rows.") % {
                "figure": _n(number), "limit": _n(limits.max_rows)},
                setting="SAFEPASSAGE_IMPORT_MAX_ROWS", limit=limits.max_rows, figure=number)
        if len(cells) > limits.max_columns:
            raise SpreadsheetOverLimit(_(
                "Row %(row)s has %(figure)s columns; the limit is %(limit)s "
                "(SAFEPASSAGE_IMPORT_MAX_COLUMNS). Remove the columns we do not read.") % {
                "row": _n(number), "figure": _n(len(cells)), "limit": _n(limits.max_columns)},
                setting="SAFEPASSAGE_IMPORT_MAX_COLUMNS", limit=limits.max_columns,
                figure=len(cells))
        longest = max((len(c) for c in cells), default=0)
        if longest > limits.max_cell_chars:
            raise SpreadsheetOverLimit(_(
                "A cell of row %(row)s has %(figure)s characters; the limit is %(limit)s "
                "(SAFEPASSAGE_IMPORT_MAX_CELL_CHARS). Shorten it.") % {
                "row": _n(number), "figure": _n(longest), "limit": _n(limits.max_cell_chars)},
                setting="SAFEPASSAGE_IMPORT_MAX_CELL_CHARS", limit=limits.max_cell_chars,
                figure=longest)
        yield cells


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
    try:
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
    except csv.Error as error:
        # The csv module's own cap on a field (131,072 characters) is above ours: a field over
        # it is a cell over the limit.
        if "field larger than field limit" in str(error):
            limit: int = settings.INTAKE_IMPORT_MAX_CELL_CHARS
            raise SpreadsheetOverLimit(_(
                "A cell has more than %(figure)s characters; the limit is %(limit)s "
                "(SAFEPASSAGE_IMPORT_MAX_CELL_CHARS). Shorten it.") % {
                "figure": _n(csv.field_size_limit()), "limit": _n(limit)},
                setting="SAFEPASSAGE_IMPORT_MAX_CELL_CHARS", limit=limit,
                figure=csv.field_size_limit()) from None
        raise SpreadsheetError(_(
            "This file could not be read as CSV (%(error)s). Save it again as .csv or .xlsx.") % {
            "error": error}) from None


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


def _xlsx_sheet_names(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _unreadable_xlsx() from error
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _xlsx_rows(data: bytes, sheet_index: int = 0) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _unreadable_xlsx() from error
    try:
        sheet = book.worksheets[sheet_index]
        # Rows as they are in the file, not padded to the size the sheet declares (a sheet
        # may declare a million rows and columns and hold ten cells).
        sheet.reset_dimensions()
        # Read-only: one row at a time from the zip's stream, whose inflated bytes stop at the
        # size the central directory declares (checked against the limits before); a part
        # that inflates to more than it declared fails its CRC check here.
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged or lying part, found while streaming
        raise _unreadable_xlsx() from error
    finally:
        book.close()
