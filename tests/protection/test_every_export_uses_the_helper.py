"""No CSV or workbook is written around the one helper that neutralises formulas (decision
0020): a new export that calls the csv module or openpyxl's writer itself fails here."""

from __future__ import annotations

import re
from pathlib import Path

import safepassage

PACKAGE = Path(safepassage.__file__).parent
WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|\.save\(.*xlsx")
# The helper itself, the generator of made-up test files (not an export; decision 0020), and the
# XLSForm: our own form definition, no one's data, whose constraint and relevance expressions
# must reach pyxform verbatim.
ALLOWED = {"protection/spreadsheet_cells.py", "synthetic/registrations.py", "intake/xlsform.py"}


def test_every_csv_the_product_writes_goes_through_spreadsheet_safe() -> None:
    writing = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
        if WRITERS.search(path.read_text(encoding="utf-8"))
    )
    assert [p for p in writing if p not in ALLOWED] == []
