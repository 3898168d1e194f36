"""Phone numbers in every format seen in the field become one E.164 number."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safepassage.registry.normalise import NormalisationError, normalise_phone


def refusal(text: str) -> NormalisationError:
    with pytest.raises(NormalisationError) as caught:
        normalise_phone(text)
    assert caught.value.field == "phone"
    assert caught.value.message
    assert caught.value.hint
    return caught.value


@pytest.mark.parametrize(
    "text",
    [
        "0791234567",
        "+93 79 123 4567",
        "+93791234567",
        "0093 79 123 4567",
        "0093791234567",
        "93791234567",
        "079-123-4567",
        "(079) 123 4567",
        "079.123.4567",
        "۰۷۹۱۲۳۴۵۶۷",
        "٠٧٩١٢٣٤٥٦٧",
        "+۹۳ ۷۹ ۱۲۳ ۴۵۶۷",
        "\u200e0791234567\u200f",
        " 0791234567 ",
        "791234567",
        "+93 0791234567",
    ],
)
def test_every_afghan_phone_format_gives_the_same_e164_number(text):
    assert normalise_phone(text) == "+93791234567"


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("+1 416 555 0199", "+14165550199"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("+44 7911 123456", "+447911123456"),
        ("+49 30 1234567", "+49301234567"),
        ("+92 300 1234567", "+923001234567"),
    ],
)
def test_a_relative_abroad_written_with_the_country_code_is_accepted(text, e164):
    assert normalise_phone(text) == e164


@pytest.mark.parametrize("text", ["07700 900123", "07911 123456", "01632 960123"])
def test_a_foreign_number_in_its_national_format_is_refused_as_wrong_country(text):
    error = refusal(text)
    assert error.code == "phone_wrong_country"
    assert "+" in error.hint


@pytest.mark.parametrize(
    "text",
    ["079123456", "0201234567", "+93 12 345", "+1 123", "abc", "0791234567 ext", "12", "+",
     "+44 1234", "+33 1234"],
)
def test_an_invalid_number_is_refused_as_invalid(text):
    assert refusal(text).code == "phone_invalid"


def test_an_empty_number_is_refused_as_missing():
    assert refusal("  ").code == "phone_missing"


def test_another_default_region_reads_national_numbers_of_that_country():
    assert normalise_phone("07911 123456", default_region="GB") == "+447911123456"


def test_the_error_names_the_field_it_was_given():
    with pytest.raises(NormalisationError) as caught:
        normalise_phone("abc", field="relative_phone")
    assert caught.value.field == "relative_phone"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["70", "71", "72", "73", "74", "75", "76", "77", "78", "79"]),
    st.integers(0, 9_999_999),
)
def test_an_afghan_mobile_number_round_trips_through_e164(prefix, subscriber):
    national = f"0{prefix}{subscriber:07d}"
    e164 = normalise_phone(national)
    assert e164 == f"+93{national[1:]}"
    assert normalise_phone(e164) == e164


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_arbitrary_text_raises_nothing_but_a_normalisation_error(text):
    try:
        result = normalise_phone(text)
    except NormalisationError as error:
        assert error.code.startswith("phone_")
    else:
        assert result.startswith("+")
        assert result[1:].isdigit()
