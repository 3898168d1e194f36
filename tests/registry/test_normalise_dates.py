"""Dates of birth as people write them: Gregorian, Solar Hijri from tazkiras, partial dates."""

# Arabic-script letters and digits here are the input under test, not look-alikes.
# ruff: noqa: RUF001

import contextlib
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from persiantools.jdatetime import JalaliDate

from safepassage.registry.normalise import BirthDate, NormalisationError, parse_date_of_birth

TODAY = datetime.date(2021, 8, 20)


def parse(text: str) -> BirthDate:
    return parse_date_of_birth(text, today=TODAY)


def refusal(text: str, *, today: datetime.date = TODAY) -> NormalisationError:
    with pytest.raises(NormalisationError) as caught:
        parse_date_of_birth(text, today=today)
    assert caught.value.field == "date_of_birth"
    assert caught.value.message
    assert caught.value.hint
    return caught.value


def test_solar_hijri_1400_05_24_is_15_august_2021():
    assert parse_date_of_birth("1400/05/24").value == datetime.date(2021, 8, 15)


def test_an_iso_date_is_read_to_the_day():
    born = parse("1985-06-05")
    assert (born.value, born.precision, born.calendar) == (
        datetime.date(1985, 6, 5),
        "day",
        "gregorian",
    )
    assert born.earliest == born.latest == born.value
    assert born.iso() == "1985-06-05"


@pytest.mark.parametrize("text", ["05/06/1985", "5.6.1985", "05-06-1985", "5/6/1985", "05 06 1985"])
def test_numbers_with_the_year_last_are_read_day_month_year(text):
    assert parse(text).value == datetime.date(1985, 6, 5)


def test_a_month_above_twelve_is_refused_with_the_day_first_spelling_as_hint():
    error = refusal("06/25/1985")
    assert error.code == "date_impossible"
    assert "25/06/1985" in error.hint


def test_the_year_alone_gives_the_whole_year_not_1_january():
    born = parse("1985")
    assert born.precision == "year"
    assert (born.earliest, born.latest) == (datetime.date(1985, 1, 1), datetime.date(1985, 12, 31))
    assert born.iso() == "1985"


@pytest.mark.parametrize("text", ["1985-06", "06/1985", "6/1985", "June 1985", "jun 1985"])
def test_a_month_and_year_give_the_whole_month(text):
    born = parse(text)
    assert born.precision == "month"
    assert (born.earliest, born.latest) == (datetime.date(1985, 6, 1), datetime.date(1985, 6, 30))
    assert born.iso() == "1985-06"


@pytest.mark.parametrize("text", ["5 June 1985", "05 JUN 1985", "June 5, 1985", "5 juin 1985"])
def test_gregorian_month_names_in_english_and_french_are_read(text):
    assert parse(text).value == datetime.date(1985, 6, 5)


@pytest.mark.parametrize("text", ["1365/03/15", "1365-03-15", "1365.3.15", "15/03/1365"])
def test_a_tazkira_date_is_read_as_solar_hijri(text):
    born = parse(text)
    assert born.calendar == "solar_hijri"
    assert born.value == datetime.date(1986, 6, 5)


def test_persian_digits_are_read():
    assert parse("۱۳۶۵/۰۳/۱۵").value == datetime.date(1986, 6, 5)
    assert parse("٠٥/٠٦/١٩٨٥").value == datetime.date(1985, 6, 5)


def test_a_solar_hijri_year_alone_spans_two_gregorian_years():
    born = parse("1360")
    assert (born.precision, born.calendar) == ("year", "solar_hijri")
    assert (born.earliest, born.latest) == (datetime.date(1981, 3, 21), datetime.date(1982, 3, 20))
    assert born.iso() == "1981-03-21/1982-03-20"


def test_a_solar_hijri_month_alone_is_a_range_of_gregorian_days():
    born = parse("Jawza 1365")
    assert born.precision == "month"
    assert (born.earliest, born.latest) == (datetime.date(1986, 5, 22), datetime.date(1986, 6, 21))


@pytest.mark.parametrize(
    "text",
    [
        "15 Jawza 1365",
        "15 jawza 1365",
        "15 JAUZA 1365",
        "15 Khordad 1365",
        "۱۵ جوزا ۱۳۶۵",
        "۱۵ جوزای ۱۳۶۵",
        "15 غبرگولی 1365",
        "15 خرداد 1365",
        "1365 Jawza 15",
        "15 Jawza 1365 SH",
        "۱۵ جوزا ۱۳۶۵ هـ ش",
    ],
)
def test_afghan_pashto_and_iranian_month_names_give_the_same_day(text):
    born = parse(text)
    assert (born.value, born.calendar) == (datetime.date(1986, 6, 5), "solar_hijri")


@pytest.mark.parametrize(
    ("names", "month"),
    [
        (("Hamal", "حمل", "Farvardin"), 1),
        (("Sawr", "ثور", "Ordibehesht"), 2),
        (("Jawza", "جوزا", "Khordad"), 3),
        (("Saratan", "سرطان", "Tir"), 4),
        (("Asad", "اسد", "Mordad"), 5),
        (("Sunbula", "سنبله", "Shahrivar"), 6),
        (("Mizan", "میزان", "Mehr"), 7),
        (("Aqrab", "عقرب", "Aban"), 8),
        (("Qaws", "قوس", "Azar"), 9),
        (("Jadi", "جدی", "Dey"), 10),
        (("Dalw", "دلو", "Bahman"), 11),
        (("Hut", "حوت", "Esfand"), 12),
    ],
)
def test_each_solar_hijri_month_name_is_its_month(names, month):
    expected = JalaliDate(1365, month, 1).to_gregorian()
    for name in names:
        assert parse(f"1 {name} 1365").value == expected, name


def test_an_arabic_keyboard_spelling_of_a_month_is_read():
    assert parse("1 جدي 1365").value == JalaliDate(1365, 10, 1).to_gregorian()


def test_a_spreadsheet_midnight_time_is_ignored():
    assert parse("1985-06-05 00:00:00").value == datetime.date(1985, 6, 5)


def test_the_original_text_is_kept_exactly():
    assert parse("  ۱۳۶۵/۰۳/۱۵ ").original == "  ۱۳۶۵/۰۳/۱۵ "


def test_an_impossible_day_is_refused_with_a_reason():
    assert refusal("31/02/1990").code == "date_impossible"
    assert refusal("1400/12/30").code == "date_impossible"  # 1400 is not a leap year
    assert refusal("1985-13").code == "date_impossible"


def test_the_leap_day_of_a_solar_hijri_leap_year_is_accepted():
    assert parse("1399/12/30").value == datetime.date(2021, 3, 20)


def test_a_date_in_the_future_is_refused_with_a_reason():
    error = refusal("2030-01-01")
    assert error.code == "date_in_future"


def test_a_solar_hijri_date_in_the_future_is_refused_with_a_reason():
    error = refusal("1410/01/01")
    assert error.code == "date_in_future"
    assert "2031-03-21" in error.message


def test_a_birth_date_more_than_120_years_ago_is_refused():
    assert refusal("1890").code == "date_too_old"
    assert refusal("01/01/1901").code == "date_too_old"
    assert parse("21/08/1901").value == datetime.date(1901, 8, 21)


def test_a_year_that_has_begun_is_accepted_up_to_today():
    born = parse_date_of_birth("1400", today=TODAY)
    assert (born.earliest, born.latest) == (datetime.date(2021, 3, 21), TODAY)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "date_missing"),
        ("   ", "date_missing"),
        ("garbage", "date_unreadable"),
        ("1985-06-05-07", "date_unreadable"),
        ("5/6/85", "date_two_digit_year"),
        ("0985", "date_year_unknown"),
        ("15 June 1365", "date_calendar_mismatch"),
        ("15 Jawza 1985", "date_calendar_mismatch"),
        ("1985 SH", "date_calendar_mismatch"),
        ("1405 AH", "date_lunar_hijri"),
        ("1985-06-05; drop table", "date_unreadable"),
        ("12345", "date_unreadable"),
    ],
)
def test_unreadable_text_is_refused_with_a_code_and_a_hint(text, code):
    assert refusal(text).code == code


def test_the_error_names_the_field_it_was_given():
    with pytest.raises(NormalisationError) as caught:
        parse_date_of_birth("garbage", field="spouse_date_of_birth")
    assert caught.value.field == "spouse_date_of_birth"


@settings(max_examples=500, deadline=None)
@given(st.dates(JalaliDate(1300, 1, 1).to_gregorian(), JalaliDate(1420, 12, 29).to_gregorian()))
def test_every_solar_hijri_day_from_1300_to_1420_round_trips(gregorian):
    written = JalaliDate(gregorian)
    text = f"{written.year}/{written.month:02d}/{written.day:02d}"
    born = parse_date_of_birth(text, today=gregorian)
    assert born.value == gregorian
    assert JalaliDate(born.value) == written


@settings(max_examples=300, deadline=None)
@given(st.dates(datetime.date(1907, 1, 1), TODAY))
def test_every_gregorian_day_written_day_month_year_is_read_back(day):
    assert parse(f"{day.day}/{day.month}/{day.year}").value == day
    assert parse(day.isoformat()).value == day


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_parsing_arbitrary_text_raises_nothing_but_a_normalisation_error(text):
    try:
        born = parse(text)
    except NormalisationError as error:
        assert error.code.startswith("date_")
    else:
        assert born.earliest <= born.latest <= TODAY


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["1365", "15", "3", "12", "9999", "1599", "/", "-", " ", "Jawza", "June", "SH", "00"]
        )
    )
)
def test_parsing_date_like_fragments_raises_nothing_but_a_normalisation_error(pieces):
    with contextlib.suppress(NormalisationError):
        parse("".join(pieces))
