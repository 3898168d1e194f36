"""Attack files for the import and the API, built at test time (nothing big in git): the
workbook whose one cell unpacks to 400 MB, the 3-million-row workbook, a workbook whose zip
directory lies about its sizes, a billion-laughs workbook, wide and long CSV files, deep JSON.

Each returns bytes; the big ones are written as a stream, so that building them costs little
memory."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>")
_SHEET_END = b"</sheetData></worksheet>"


def _template() -> bytes:
    book = Workbook()
    book.active.append(["given_name"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook(sheet_data: Iterable[bytes], *, prolog: bytes = b"", dimension: str = "") -> bytes:
    """A real XLSX (openpyxl's own parts) whose first sheet's <sheetData> is `sheet_data`,
    streamed into the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_template())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename == SHEET:
                continue
            target.writestr(info.filename, source.read(info.filename))
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(prolog or _SHEET_START[:_SHEET_START.index(b"<worksheet")])
            start = _SHEET_START[_SHEET_START.index(b"<worksheet"):]
            if dimension:
                start = start.replace(b"<sheetData>",
                                      b'<dimension ref="%s"/><sheetData>' % dimension.encode())
            sheet.write(start)
            for chunk in sheet_data:
                sheet.write(chunk)
            sheet.write(_SHEET_END)
    return out.getvalue()


def _header() -> bytes:
    return b'<row r="1"><c r="A1" t="inlineStr"><is><t>given_name</t></is></c></row>'


def one_huge_cell_xlsx(cell_bytes: int = 400_000_000) -> bytes:
    """A workbook of under 2 MB (deflated fast; 400 KB at the best compression) whose one cell
    unpacks to `cell_bytes` (issue 17: it grew a web process to 2.3 GB)."""

    def data() -> Iterator[bytes]:
        yield _header()
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = b"A" * 1_000_000
        for _ in range(cell_bytes // len(block)):
            yield block
        yield b"</t></is></c></row>"

    return workbook(data())


def many_rows_xlsx(rows: int = 3_000_000) -> bytes:
    """A workbook of `rows` identical rows of one short cell (rows need no number), under
    1 MB (issue 17: 3 million rows in 450 KB ran past 180 s at 2.1 GB)."""

    def data() -> Iterator[bytes]:
        yield _header()
        block = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>' * 10_000
        for _ in range(rows // 10_000):
            yield block
        yield b'<row><c t="inlineStr"><is><t>a</t></is></c></row>' * (rows % 10_000)

    return workbook(data())


def rows_xlsx(rows: list[list[str]]) -> bytes:
    """A small honest workbook of these rows (the first is the header)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lying_directory_xlsx(cell_bytes: int = 50_000_000, declared: int = 10_000) -> bytes:
    """A workbook whose sheet inflates to `cell_bytes` and more but whose zip headers (local
    and central) declare `declared` bytes: a reader that trusts the header to size a buffer,
    or that inflates without a bound, is fooled."""
    data = bytearray(one_huge_cell_xlsx(cell_bytes))
    name = SHEET.encode()
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            name_length = struct.unpack_from("<H", data, at + (28 if signature == b"PK\x01\x02"
                                                                else 26))[0]
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if bytes(data[name_at:name_at + name_length]) != name:
                continue
            if struct.unpack_from("<I", data, at + size_at)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, at + size_at, declared)
            _patch_zip64_size(data, name_at + name_length, at, signature, declared)
    return bytes(data)


def _patch_zip64_size(data: bytearray, extra_at: int, header_at: int, signature: bytes,
                      declared: int) -> None:
    """The Zip64 extra field's uncompressed size too, when the member has one."""
    extra_length = struct.unpack_from("<H", data, header_at + (30 if signature == b"PK\x01\x02"
                                                               else 28))[0]
    end = extra_at + extra_length
    while extra_at + 4 <= end:
        kind, size = struct.unpack_from("<HH", data, extra_at)
        if kind == 0x0001 and size >= 8:
            struct.pack_into("<Q", data, extra_at + 4, declared)
        extra_at += 4 + size


def billion_laughs_xlsx() -> bytes:
    """A workbook whose sheet declares nested XML entities (each ten times the one before)."""
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10))
    prolog = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b"<!DOCTYPE worksheet [" + entities + b"]>")
    return workbook([_header(), b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is>'
                                b"</c></row>"], prolog=prolog)


def declared_huge_xlsx(rows: list[list[str]], *, empty_row_at: int = 200_000) -> bytes:
    """An honest small sheet that declares itself A1:XFD1048576 (as a sheet formatted down and
    across may) and has an empty, formatted row far down."""

    def cell(column: int, row: int, text: str) -> bytes:
        return (b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>'
                % (chr(65 + column).encode(), row, text.encode()))

    data = [b'<row r="%d">' % n + b"".join(cell(c, n, t) for c, t in enumerate(row)) + b"</row>"
            for n, row in enumerate(rows, start=1)]
    data.append(b'<row r="%d" s="0" customFormat="1"/>' % empty_row_at)
    return workbook(data, dimension="A1:XFD1048576")


def many_members_zip(members: int = 5000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(members):
            archive.writestr(f"m{n}", b"")
    return out.getvalue()


def csv_rows(rows: int) -> bytes:
    return b"given_name\n" + b"a\n" * rows


def wide_csv(columns: int) -> bytes:
    return b"given_name," + b",".join(b"c%d" % n for n in range(columns)) + b"\nAli\n"


def long_cell_csv(chars: int) -> bytes:
    return b"given_name,notes\nAli," + b"x" * chars + b"\n"


def deep_json(levels: int) -> bytes:
    return b'{"members":' + b"[" * levels + b"]" * levels + b"}"
