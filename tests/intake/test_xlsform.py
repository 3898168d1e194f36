"""`safepassage export-xlsform`: the registration form as an XLSForm that pyxform (and ODK
Validate, which pyxform runs) accepts, in four languages, with members as a repeat group and
constraints that let through what our checks accept (decision 0101)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from safepassage.intake import records
from safepassage.intake.xlsform import DATE_PATTERN, DOCUMENT_PATTERN, PHONE_PATTERN


def _export(tmp_path: Path) -> Path:
    out = tmp_path / "registration.xlsx"
    call_command("export_xlsform", "--out", str(out), stdout=StringIO())
    return out


def test_the_exported_form_passes_pyxform_and_odk_validate(tmp_path: Path) -> None:
    path = _export(tmp_path)
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings, validate=True)

    assert warnings == []
    xform = result.xform
    assert '<repeat nodeset="/data/members">' in xform
    for language in ("English (en)", "French (fr)", "Dari (prs)", "Pashto (ps)"):
        assert f'<translation lang="{language}"' in xform
    assert "Prénom" in xform  # French
    assert "meta/instanceID" in xform or "<instanceID/>" in xform


def test_the_form_has_survey_choices_and_settings_in_four_languages(tmp_path: Path) -> None:
    book = load_workbook(_export(tmp_path))
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in next(book["survey"].iter_rows(max_row=1))]
    assert {"label::English (en)", "label::French (fr)", "label::Dari (prs)",
            "label::Pashto (ps)", "constraint", "constraint_message::Dari (prs)"} <= set(header)
    names = [row[1] for row in book["survey"].iter_rows(min_row=2, values_only=True)]
    # The registrant's answers and each member's carry our column names: an export of this
    # form imports with no mapping.
    assert {"given_name", "date_of_birth", "phone", "category", "relationship_to_head"} <= set(
        n for n in names if n)
    assert set(n for n in names if n) - {"registrant", "members"} <= set(records.COLUMNS)


@pytest.mark.parametrize("written", [
    "1364/03/15", "15/03/1985", "1985", "۱۳۶۴/۰۲/۱۲", "1985-03-15", "03/1985"])
def test_dates_our_checks_read_pass_the_form_constraint(written: str) -> None:
    assert records.normalise_person({"given_name": "A", "date_of_birth": written},
                                    is_first=True).problems == []
    assert re.search(DATE_PATTERN, written)


def test_phones_and_document_numbers_we_read_pass_the_form_constraint() -> None:
    for phone in ("0791234567", "+93 79 123 4567", "0093791234567", "0791234567;0701234567"):
        assert records.normalise_person({"given_name": "A", "phone": phone},
                                        is_first=True).problems == []
        assert re.search(PHONE_PATTERN, phone), phone
    assert not re.search(PHONE_PATTERN, "call me")
    assert re.search(DOCUMENT_PATTERN, "1400-0101-12345")
    assert not re.search(DATE_PATTERN, "yesterday")
