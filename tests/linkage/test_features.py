"""Features keep a date's precision, read 1 January and 1 Hamal as placeholders, and take E.164
phones."""

from __future__ import annotations

import datetime as dt

from safepassage.linkage.features import (
    EPOCH,
    blocking_key_values,
    compute_features,
    features_of_row,
)


def days(day: dt.date) -> int:
    return (day - EPOCH).days


def test_a_year_only_date_is_a_range_of_the_whole_year() -> None:
    f = features_of_row({"given_name": "Ahmad", "date_of_birth": "1985"})
    assert (f["dob_lo"], f["dob_hi"]) == (days(dt.date(1985, 1, 1)), days(dt.date(1985, 12, 31)))
    assert f["dob_day"] is None


def test_a_solar_hijri_date_is_converted_before_comparison() -> None:
    f = features_of_row({"given_name": "Ahmad", "date_of_birth": "1364/03/15"})
    assert f["dob_lo"] == days(dt.date(1985, 6, 5))
    assert (f["dob_month"], f["dob_day"]) == (6, 5)


def test_a_solar_hijri_year_spans_two_gregorian_years() -> None:
    f = features_of_row({"given_name": "Ahmad", "date_of_birth": "1360"})
    assert (f["dob_lo"], f["dob_hi"]) == (days(dt.date(1981, 3, 21)), days(dt.date(1982, 3, 20)))


def test_first_of_january_is_read_as_year_only() -> None:
    f = compute_features(given_name="Ahmad", birth_date=dt.date(1985, 1, 1),
                         birth_date_precision="day")
    assert f["dob_hi"] == days(dt.date(1985, 12, 31))
    assert f["dob_day"] is None


def test_phones_in_any_format_become_one_e164_number() -> None:
    formats = ["0791234567", "+93 79 123 4567", "0093791234567", "079-123-4567"]
    assert {features_of_row({"phone": p})["phone"] for p in formats} == {"+93791234567"}


def test_a_name_only_in_arabic_script_gets_a_skeleton_and_no_latin_key() -> None:
    f = features_of_row({"given_name": "", "name_native": "محمد احمدی"})
    assert (f["given_key"], f["given_skel"], f["family_skel"]) == (None, "mhmd", "hmd")


def test_missing_fields_are_missing_not_empty_strings() -> None:
    f = features_of_row({"given_name": "Ahmad", "phone": "not a phone"})
    assert f["phone"] is None and f["tazkira"] is None and f["dob_lo"] is None


def test_blocking_keys_leave_out_rules_with_a_missing_column() -> None:
    keys = blocking_key_values(compute_features(given_name="Ahmad", tazkira_number="123456"))
    assert keys == ["tazkira=123456"]


def test_first_of_hamal_is_read_as_the_solar_hijri_year_only() -> None:
    """1 Hamal (Nowruz) is the tazkira's placeholder, as 1 January is the passport's."""
    placeholder = features_of_row({"given_name": "Ahmad", "date_of_birth": "1366/01/01"})
    year = features_of_row({"given_name": "Ahmad", "date_of_birth": "1366"})
    assert (placeholder["dob_lo"], placeholder["dob_hi"]) == (year["dob_lo"], year["dob_hi"])
    assert placeholder["dob_day"] is None
    second = features_of_row({"given_name": "Ahmad", "date_of_birth": "1366/01/02"})
    assert second["dob_lo"] == second["dob_hi"] == days(dt.date(1987, 3, 22))
