"""Tazkira and passport numbers, names in Latin and Arabic script, e-mail addresses, digits."""

# Arabic-script letters and digits here are the input under test, not look-alikes.
# ruff: noqa: RUF001

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.registry.normalise import (
    NormalisationError,
    normalise_document_number,
    normalise_email,
    normalise_name,
    to_ascii_digits,
)


def test_persian_and_arabic_indic_digits_become_ascii():
    assert to_ascii_digits("۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩") == "0123456789 0123456789"
    assert to_ascii_digits("Kabul ۱۴۰۰") == "Kabul 1400"


# Documents -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["P01234567", "p 0123 4567", "P-0123-4567", "p.01234567", " P0123/4567 "]
)
def test_a_passport_number_loses_spaces_dashes_dots_and_slashes(text):
    assert normalise_document_number(text, field="passport_number") == "P01234567"


@pytest.mark.parametrize(
    "text", ["1400-0101-12345", "۱۴۰۰-۰۱۰۱-۱۲۳۴۵", "1400 0101 12345", "1400\u20130101\u201312345"]
)
def test_an_electronic_tazkira_number_is_the_13_digits(text):
    assert normalise_document_number(text, field="tazkira_number") == "1400010112345"


def test_a_paper_tazkira_number_is_accepted():
    assert normalise_document_number("۱۲۳۴۵۶", field="tazkira_number") == "123456"


@pytest.mark.parametrize("text", [
    "Jild 77 Safha 244 No 420537", "jild 77, safha 244, no. 420537", "Vol. 77 Page 244 Nr 420537",
    "جلد ۷۷ صفحه ۲۴۴ نمبر ۴۲۰۵۳۷", "جلد ۷۷ صفحه ۲۴۴ شماره ثبت ۴۲۰۵۳۷",
])
def test_a_paper_tazkira_cited_by_volume_page_and_number_is_its_number(text):
    """The same tazkira written as the number alone on another form must meet it."""
    assert normalise_document_number(text, field="tazkira_number") == "420537"
    with pytest.raises(NormalisationError):  # a passport is never cited so
        normalise_document_number(text, field="passport_number")


@pytest.mark.parametrize(
    ("text", "field", "code"),
    [
        ("", "passport_number", "document_missing"),
        (" - ", "tazkira_number", "document_missing"),
        ("P012", "passport_number", "document_length"),
        ("P0123456789012", "passport_number", "document_length"),
        ("12", "tazkira_number", "document_length"),
        ("جلد ۱۲ صفحه ۳۴", "tazkira_number", "document_characters"),
        ("ABCDEFG", "passport_number", "document_characters"),
        ("P0123#4567", "passport_number", "document_characters"),
    ],
)
def test_an_implausible_document_number_is_refused_with_a_reason(text, field, code):
    with pytest.raises(NormalisationError) as caught:
        normalise_document_number(text, field=field)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert caught.value.message
    assert caught.value.hint


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=25))
def test_a_document_number_is_clean_or_refused(text):
    try:
        cleaned = normalise_document_number(text, field="passport_number")
    except NormalisationError as error:
        assert error.code.startswith("document_")
    else:
        assert cleaned.isascii() and cleaned.isalnum() and cleaned == cleaned.upper()


# Names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AHMAD  shah", "Ahmad Shah"),
        ("  ahmad shah massoud ", "Ahmad Shah Massoud"),
        ("AMIN-UL-HAQ", "Amin-ul-Haq"),
        ("zia ul haq", "Zia ul Haq"),
        ("abd al-rahman", "Abd al-Rahman"),
        ("AL-HAQ ahmad", "Al-Haq Ahmad"),
        ("nguyen van an", "Nguyen Van An"),
        ("o'brien", "O'Brien"),
        ("sa'id", "Sa'id"),
        ("McDonald", "McDonald"),
        ("ZABIHULLAH", "Zabihullah"),
    ],
)
def test_latin_script_names_are_put_in_title_case(text, expected):
    assert normalise_name(text) == expected


def test_arabic_script_names_keep_their_spelling_with_single_spaces():
    assert normalise_name("  محمد   رحیم  ") == "محمد رحیم"


def test_the_arabic_kaf_and_yeh_become_the_persian_letters_dari_uses():
    assert normalise_name("كريم") == "کریم"
    assert normalise_name("علي") == normalise_name("علی") == "علی"
    assert normalise_name("مصطفى") == "مصطفی"


def test_a_pashto_name_keeps_the_arabic_yeh_which_is_a_letter_of_its_own_in_pashto():
    assert normalise_name("ښکلي") == "ښکلي"


def test_the_zero_width_non_joiner_of_dari_spelling_is_kept():
    assert normalise_name("عبدال\u200cله") == "عبدال\u200cله"
    assert normalise_name("محمد\u200c\u200cرضا") == "محمد\u200cرضا"


def test_invisible_marks_and_kashida_are_removed():
    assert normalise_name("\u200fمحـــمد\u200e") == "محمد"


def test_a_decomposed_name_is_composed():
    assert normalise_name("Jose\u0301") == "José"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_normalising_a_name_twice_changes_nothing(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == unicodedata.normalize("NFC", once)
    assert "  " not in once and once == once.strip()


# E-mail --------------------------------------------------------------------------------------


def test_an_email_address_is_trimmed_and_lower_case():
    assert normalise_email("  Ahmad.Shah@GMAIL.com ") == "ahmad.shah@gmail.com"


def test_a_full_width_email_address_becomes_ascii():
    assert normalise_email("ahmad＠example.org") == "ahmad@example.org"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "email_missing"),
        ("ahmad", "email_invalid"),
        ("ahmad@", "email_invalid"),
        ("ahmad shah@example.org", "email_invalid"),
    ],
)
def test_an_invalid_email_address_is_refused(text, code):
    with pytest.raises(NormalisationError) as caught:
        normalise_email(text)
    assert (caught.value.field, caught.value.code) == ("email", code)
