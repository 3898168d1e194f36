"""The registration form as an XLSForm for ODK Collect and KoboCollect (decision 0101): the
public form's fields under our column names, household members as a repeat group, labels in
English, French, Dari and Pashto, constraints that match intake.records' checks. Its submission
exports come back through field_forms."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as lazy
from openpyxl import Workbook

from safepassage.intake import forms
from safepassage.registry.models import Category, Relationship

FORM_ID = "safepassage_registration"
# The repeat group of household members and the group of the registrant's own answers: their
# names are the group paths the exports carry (registrant/given_name, members/given_name...).
MEMBERS_GROUP = "members"
REGISTRANT_GROUP = "registrant"
# ODK's "Language (code)" column suffixes; the codes are IANA language subtags.
LANGUAGES = (("en", "English (en)"), ("fr", "French (fr)"), ("fa-af", "Dari (prs)"),
             ("ps", "Pashto (ps)"))
DEFAULT_LANGUAGE = "English (en)"

# What intake.records accepts, as XPath regular expressions (the device refuses the rest before
# the form is sent; records.py still checks every value again when it is imported).
MAX_TEXT = 200
DIGITS = "0-9\u06f0-\u06f9\u0660-\u0669"  # Latin, Persian and Arabic-Indic digits
DATE_PATTERN = f"^[{DIGITS}]{{1,4}}([-/. ][{DIGITS}]{{1,2}})?([-/. ][{DIGITS}]{{1,4}})?$"
PHONE_PATTERN = f"^[+{DIGITS}][{DIGITS} ()./-]{{5,24}}(;[+{DIGITS} ()./-]{{6,25}})*$"
EMAIL_PATTERN = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"
DOCUMENT_PATTERN = f"^[A-Za-z{DIGITS} /.-]{{1,40}}$"


def _in_each_language(text: Any) -> dict[str, str]:
    """The text (a lazy translation) in each of the form's languages."""
    labels = {}
    for code, column in LANGUAGES:
        with translation.override(code):
            labels[column] = str(text)
    return labels


def _label(text: Any, kind: str = "label") -> dict[str, str]:
    return {f"{kind}::{column}": value for column, value in _in_each_language(text).items()}


def _field(form: type[Any], name: str) -> Any:
    return form.base_fields[name]


def _question(kind: str, name: str, label: Any, *, required: bool = False,
              constraint: str = "", message: Any = "", hint: Any = "") -> dict[str, str]:
    row = {"type": kind, "name": name, "required": "yes" if required else "", **_label(label)}
    if hint:
        row |= _label(hint, "hint")
    if constraint:
        row["constraint"] = constraint
        row |= _label(message, "constraint_message")
    return row


def _text(form: type[Any], name: str, *, required: bool = False, pattern: str = "",
          message: Any = "") -> dict[str, str]:
    field = _field(form, name)
    constraint = f"string-length(.) <= {MAX_TEXT}"
    if pattern:
        constraint += f" and regex(., '{pattern}')"
    return _question("text", name, field.label, required=required, constraint=constraint,
                     message=message or _too_long(), hint=field.help_text)


def _too_long() -> Any:
    return lazy("At most 200 characters.")


def _survey() -> list[dict[str, str]]:
    registrant, member = forms.RegistrantForm, forms.MemberForm
    date_message = lazy("Write the date as day/month/year, the year alone, or as on the "
                        "tazkira (1364/03/15).")
    phone_message = lazy("Write a phone number with digits only, such as 0791234567 or "
                         "+44 7700 900123; separate several numbers with ;.")
    email_message = lazy("Write an e-mail address such as name@example.org.")
    document_message = lazy("Write the number with letters, digits and separators only.")
    return [
        {"type": "begin_group", "name": REGISTRANT_GROUP, **_label(lazy("About you"))},
        _text(registrant, "given_name", required=True),
        _text(registrant, "family_name"),
        _text(registrant, "father_name"),
        _text(registrant, "date_of_birth", pattern=DATE_PATTERN, message=date_message),
        _question("select_one sex", "sex", _field(registrant, "sex").label),
        _text(registrant, "phone", pattern=PHONE_PATTERN, message=phone_message),
        _text(registrant, "email", pattern=EMAIL_PATTERN, message=email_message),
        _text(registrant, "tazkira_number", pattern=DOCUMENT_PATTERN, message=document_message),
        _text(registrant, "passport_number", pattern=DOCUMENT_PATTERN,
              message=document_message),
        _text(registrant, "province"),
        _question("select_one category", "category", _field(registrant, "category").label,
                  required=True),
        {"type": "end_group"},
        {"type": "begin_repeat", "name": MEMBERS_GROUP,
         **_label(lazy("Family members who travel with you"))},
        _text(member, "given_name", required=True),
        _text(member, "family_name"),
        _question("select_one relationship", "relationship_to_head",
                  _field(member, "relationship_to_head").label, required=True),
        _text(member, "date_of_birth", pattern=DATE_PATTERN, message=date_message),
        _question("select_one sex", "sex", _field(member, "sex").label),
        _text(member, "tazkira_number", pattern=DOCUMENT_PATTERN, message=document_message),
        _text(member, "passport_number", pattern=DOCUMENT_PATTERN, message=document_message),
        {"type": "end_repeat"},
    ]


def _choices() -> list[dict[str, str]]:
    rows = []
    lists: list[tuple[str, Iterable[tuple[str, Any]]]] = [
        ("sex", forms._sex_choices()),
        ("category", Category.choices),
        ("relationship", [c for c in Relationship.choices if c[0] != Relationship.HEAD]),
    ]
    for list_name, choices in lists:
        for value, label in choices:
            rows.append({"list_name": list_name, "name": str(value), **_label(label)})
    return rows


def _sheet(book: Workbook, title: str, rows: list[dict[str, str]], first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    assert sheet is not None
    sheet.title = title
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])


def registration_xlsform(*, version: str = "") -> bytes:
    """The XLSForm workbook (survey, choices and settings sheets) as bytes."""
    book = Workbook()
    _sheet(book, "survey", _survey(), first=True)
    _sheet(book, "choices", _choices())
    _sheet(book, "settings", [{
        # No instance_name: it would put a person's name in every list of submissions.
        "form_title": _in_each_language(lazy("Register for evacuation"))[DEFAULT_LANGUAGE],
        "form_id": FORM_ID, "version": version or "1", "default_language": DEFAULT_LANGUAGE}])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
