"""Turn what people type into the registry's clean values: birth dates (Gregorian and Solar
Hijri), phone numbers, document numbers, names and e-mail addresses. Intake normalises what is
registered, the registry's search what staff type, messaging the sender of a reply, linkage its
features: one way of writing a phone number for all of them.

Pure functions, no database. The caller keeps the original text; these functions only return the
clean value or raise a NormalisationError that says which field, what was wrong and what to do.
"""

# This module reads Arabic-script text: its letters and digits are meant, not look-alikes.
# ruff: noqa: RUF001, RUF002, RUF003

from __future__ import annotations

import calendar as calendar_module
import datetime
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext
from persiantools.jdatetime import JalaliDate

__all__ = [
    "BirthDate",
    "NormalisationError",
    "normalise_document_number",
    "normalise_email",
    "normalise_name",
    "normalise_phone",
    "parse_date_of_birth",
    "to_ascii_digits",
]


def _(msgid: str) -> str:
    """Translate a message now, or keep the English msgid when Django is not configured
    (a benchmark or a linkage script that imports this module without settings)."""
    if not settings.configured:
        return msgid
    return gettext(msgid)


class NormalisationError(ValueError):
    """One rejected value: which field, a stable machine code, and two sentences for a person."""

    def __init__(
        self, *, field: str, code: str, message: str, hint: str,
        params: dict[str, object] | None = None,
    ) -> None:
        self.field = field
        self.code = code
        self.params = dict(params or {})
        self.message = message % self.params if self.params else message
        self.hint = hint % self.params if self.params else hint
        super().__init__(f"{field}: {self.message} {self.hint}")

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message, "hint": self.hint}


# --------------------------------------------------------------------------------------------
# Digits and invisible characters
# --------------------------------------------------------------------------------------------

_ASCII_DIGITS = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",  # Extended Arabic-Indic (Dari, Pashto), then Arabic-Indic
    "01234567890123456789",
)

# Bidirectional marks and embeddings that phones and spreadsheets insert around numbers in
# right-to-left text. They are invisible and never part of a value. ZWNJ (U+200C) is NOT here:
# in Dari and Pashto it is part of the spelling.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200E, 0x200F, 0x061C, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def to_ascii_digits(text: str) -> str:
    """Replace Persian (۰-۹) and Arabic-Indic (٠-٩) digits with ASCII 0-9; nothing else changes."""
    return text.translate(_ASCII_DIGITS)


def _clean(text: str) -> str:
    return to_ascii_digits(unicodedata.normalize("NFC", text)).translate(_INVISIBLE).strip()


# --------------------------------------------------------------------------------------------
# Dates of birth
# --------------------------------------------------------------------------------------------

MAX_AGE_YEARS = 120

# Four-digit years below this are read as Solar Hijri, from it on as Gregorian. Solar Hijri 1200
# is 1821 and 1599 is 2220, Gregorian 1600 is long before anyone alive: the two bands cannot be
# confused for a date of birth, and the age and future checks then refuse the implausible ends.
SOLAR_HIJRI_YEARS = range(1200, 1600)
GREGORIAN_YEARS = range(1600, 10000)

# Solar Hijri month names as people write them: the Afghan (zodiac) names in Dari script and in
# the common Latin spellings, the Pashto names, and the Iranian names, which name the same months.
# fmt: off
SOLAR_HIJRI_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("hamal", "حمل", "wray", "wrai", "وری", "farvardin", "farwardin", "فروردین"),
    2: ("sawr", "saur", "sour", "sowr", "thawr", "ثور", "ghwayay", "ghwayai", "غویی",
        "ordibehesht", "ardibehesht", "اردیبهشت"),
    3: ("jawza", "jauza", "jowza", "jawzā", "jauza", "joza", "جوزا", "gbargolay", "ghbargolay",
        "غبرگولی", "khordad", "khurdad", "خرداد"),
    4: ("saratan", "sartan", "سرطان", "changakh", "chungakh", "چنگاښ", "tir", "تیر"),
    5: ("asad", "assad", "اسد", "zmaray", "zmarai", "زمری", "mordad", "amordad", "murdad",
        "مرداد", "امرداد"),
    6: ("sunbula", "sunbulah", "sonbola", "sombola", "sumbula", "سنبله", "wazhay", "wagay",
        "وږی", "shahrivar", "shahriwar", "شهریور"),
    7: ("mizan", "meezan", "میزان", "tala", "تله", "mehr", "mihr", "مهر"),
    8: ("aqrab", "akrab", "agrab", "عقرب", "laram", "لړم", "aban", "آبان"),
    9: ("qaws", "qaus", "qous", "kaws", "qos", "قوس", "lindai", "lindey", "لیندۍ", "azar",
        "آذر"),
    10: ("jadi", "jaddi", "jadee", "jady", "جدی", "marghumay", "merghumay", "مرغومی", "dey",
         "dei", "دی"),
    11: ("dalw", "dalv", "dalu", "dalwa", "دلو", "salwagha", "salwaghah", "سلواغه", "bahman",
         "بهمن"),
    12: ("hut", "hoot", "hout", "حوت", "kab", "کب", "esfand", "isfand", "esfand", "اسفند"),
}

GREGORIAN_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "جنوری"),
    2: ("february", "feb", "fevrier", "fevr", "فبروری"),
    3: ("march", "mar", "mars", "مارچ"),
    4: ("april", "apr", "avril", "avr", "اپریل"),
    5: ("may", "mai", "می"),
    6: ("june", "jun", "juin", "جون"),
    7: ("july", "jul", "juillet", "juil", "جولای"),
    8: ("august", "aug", "aout", "اگست"),
    9: ("september", "sep", "sept", "septembre", "سپتمبر"),
    10: ("october", "oct", "octobre", "اکتوبر"),
    11: ("november", "nov", "novembre", "نومبر"),
    12: ("december", "dec", "decembre", "دسمبر"),
}
# fmt: on

# Words that say which calendar a date is in; they are read, then set aside.
_SOLAR_HIJRI_MARKERS = frozenset({"sh", "hs", "ap", "shamsi", "ش", "هش", "هـش", "هجری", "شمسی"})
_GREGORIAN_MARKERS = frozenset({"ad", "ce", "م", "میلادی", "عیسوی"})
_LUNAR_HIJRI_MARKERS = frozenset({"ah", "qamari", "ق", "هق", "هـق", "قمری"})
# "ه" is the first half of "هـ ش" / "هـ ق" (Hijri shamsi / qamari); the second half decides.
_IGNORED_WORDS = frozenset(
    {"hijri", "solar", "born", "of", "the", "th", "st", "nd", "rd", "le", "ه"}
)

_ARABIC_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "\u0640": None,
        "\u200c": None,
    }
)


def _fold_word(word: str) -> str:
    """Fold a word for lookup: no case, no Latin accents, one spelling of Arabic-script letters."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_ARABIC_FOLD)


def _month_table(names: dict[int, tuple[str, ...]]) -> dict[str, int]:
    return {_fold_word(name): month for month, spellings in names.items() for name in spellings}


_SOLAR_HIJRI_MONTHS = _month_table(SOLAR_HIJRI_MONTH_NAMES)
_GREGORIAN_MONTHS = _month_table(GREGORIAN_MONTH_NAMES)
# Ambiguous abbreviations would pick a calendar silently; there are none today, keep it so.
assert not set(_SOLAR_HIJRI_MONTHS) & set(_GREGORIAN_MONTHS), "month name in both calendars"

_FOLDED_MARKERS = {
    "solar_hijri": frozenset(_fold_word(w) for w in _SOLAR_HIJRI_MARKERS),
    "gregorian": frozenset(_fold_word(w) for w in _GREGORIAN_MARKERS),
    "lunar_hijri": frozenset(_fold_word(w) for w in _LUNAR_HIJRI_MARKERS),
}

# A spreadsheet cell exported as text often carries a midnight time: "1985-06-05 00:00:00".
_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$")
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")
# Separators allowed between the parts of a date; anything else makes the text unreadable.
_SEPARATORS = re.compile(r"[\s/\-.,\u060C\u066B\u066C\u0654\u200c]*")


@dataclass(frozen=True)
class BirthDate:
    """A date of birth as precise as it was written, with the range of days it may mean.

    `value` is the earliest possible day; for month or year precision use `earliest` and
    `latest`, never `value` alone (that is how 11,110 people became born on 1 January).
    """

    value: datetime.date
    precision: str  # "day" | "month" | "year"
    earliest: datetime.date
    latest: datetime.date
    calendar: str  # "gregorian" | "solar_hijri"
    original: str

    def iso(self) -> str:
        """ISO 8601 at the written precision: "1985-06-05", "1985-06", "1985".

        A Solar Hijri month or year does not fall within one Gregorian month or year, so it is
        written as an ISO 8601 interval: "1981-03-21/1982-03-20" for 1360.
        """
        if self.precision == "day":
            return self.value.isoformat()
        if self.calendar == "solar_hijri":
            return f"{self.earliest.isoformat()}/{self.latest.isoformat()}"
        if self.precision == "month":
            return f"{self.earliest.year:04d}-{self.earliest.month:02d}"
        return f"{self.earliest.year:04d}"


def parse_date_of_birth(
    text: str, *, today: datetime.date | None = None, field: str = "date_of_birth"
) -> BirthDate:
    """Read a date of birth in any form seen in the field.

    Numbers are read day/month/year when the year comes last (the convention in Afghanistan and
    Europe, never the American month/day); year first means year/month/day. A four-digit year
    from 1200 to 1599 is Solar Hijri (as on tazkiras), from 1600 on Gregorian.
    """
    today = today or datetime.date.today()
    cleaned = _MIDNIGHT.sub("", _clean(text))
    if not cleaned:
        raise NormalisationError(
            field=field,
            code="date_missing",
            message=_("The date of birth is empty."),
            hint=_("Write the date of birth, or at least the year, for example 1985 or 1364."),
        )
    parts, calendar_hint = _date_parts(cleaned, field)
    earliest, latest, precision, calendar = _date_range(parts, calendar_hint, field)
    _check_plausible(earliest, latest, today, field)
    return BirthDate(
        value=earliest,
        precision=precision,
        earliest=earliest,
        latest=min(latest, today),
        calendar=calendar,
        original=text,
    )


def _unreadable(field: str) -> NormalisationError:
    return NormalisationError(
        field=field,
        code="date_unreadable",
        message=_("We could not read this as a date."),
        hint=_(
            "Write day/month/year (05/06/1985), the year alone (1985), or the date on the "
            "tazkira (1364/03/15 or 15 Jawza 1364)."
        ),
    )


@dataclass(frozen=True)
class _Part:
    kind: str  # "number" | "sh_month" | "g_month"
    text: str
    number: int


def _date_parts(cleaned: str, field: str) -> tuple[list[_Part], str | None]:
    """Split into numbers and month names, check only separators lie between them, and read
    any calendar marker ("SH", "هـ ش", "AD")."""
    parts: list[_Part] = []
    calendar_hint: str | None = None
    position = 0
    cleaned = cleaned.replace("\u200c", "")
    for match in _TOKEN.finditer(cleaned):
        if not _SEPARATORS.fullmatch(cleaned[position : match.start()]):
            raise _unreadable(field)
        position = match.end()
        token = match.group()
        if token.isascii() and token.isdigit():
            if len(token) > 4:
                raise _unreadable(field)
            parts.append(_Part("number", token, int(token)))
            continue
        word = _fold_word(token)
        marker = next((cal for cal, words in _FOLDED_MARKERS.items() if word in words), None)
        if marker == "lunar_hijri":
            raise NormalisationError(
                field=field,
                code="date_lunar_hijri",
                message=_("This date is in the lunar Hijri calendar, which we cannot convert."),
                hint=_(
                    "Write the date from the tazkira (Solar Hijri) or the passport (Gregorian)."
                ),
            )
        if marker:
            calendar_hint = marker
        elif word in _IGNORED_WORDS:
            continue
        elif (month := _month_from_word(word)) is not None:
            parts.append(_Part(month[0], token, month[1]))
        else:
            raise _unreadable(field)
    if not _SEPARATORS.fullmatch(cleaned[position:]):
        raise _unreadable(field)
    return parts, calendar_hint


def _month_from_word(word: str) -> tuple[str, int] | None:
    for candidate in (word, word.removesuffix("ی"), word.removesuffix("ه")):
        # "جوزای ۱۳۶۵": the Persian ezafe adds a final ی to a month name before the year.
        if candidate in _SOLAR_HIJRI_MONTHS:
            return "sh_month", _SOLAR_HIJRI_MONTHS[candidate]
        if candidate in _GREGORIAN_MONTHS:
            return "g_month", _GREGORIAN_MONTHS[candidate]
    return None


def _date_range(
    parts: list[_Part], calendar_hint: str | None, field: str
) -> tuple[datetime.date, datetime.date, str, str]:
    shape = "".join(
        {"number": "Y" if len(p.text) == 4 else "n", "sh_month": "M", "g_month": "M"}[p.kind]
        for p in parts
    )
    month_part = next((p for p in parts if p.kind != "number"), None)
    numbers = [p for p in parts if p.kind == "number"]
    year_part = next((p for p in numbers if len(p.text) == 4), None)

    if year_part is None:
        if numbers and len(numbers[-1].text) == 2 and shape in {"nnn", "nMn", "Mnn", "Mn"}:
            raise NormalisationError(
                field=field,
                code="date_two_digit_year",
                message=_("The year has only two digits, so the century is unknown."),
                hint=_("Write the year in full, for example 1985 or 1364."),
            )
        raise _unreadable(field)

    calendar = _calendar_of_year(year_part.number, field)
    if calendar_hint and calendar_hint != calendar:
        raise _calendar_mismatch(field)
    if month_part is not None:
        wanted = "solar_hijri" if month_part.kind == "sh_month" else "gregorian"
        if wanted != calendar:
            raise _calendar_mismatch(field)

    year = year_part.number
    day: int | None
    if shape == "Y":
        month, day = None, None
    elif shape in {"Yn", "nY"}:  # 1985-06, 06/1985
        month, day = (parts[1] if shape == "Yn" else parts[0]).number, None
    elif shape in {"MY", "YM"}:  # Jawza 1365, June 1985
        month, day = month_part.number if month_part else None, None
    elif shape == "Ynn":  # 1985-06-05, 1365/03/15
        month, day = parts[1].number, parts[2].number
    elif shape == "nnY":  # 05/06/1985, read day/month/year
        day, month = parts[0].number, parts[1].number
        if month > 12 and day <= 12:
            raise NormalisationError(
                field=field,
                code="date_impossible",
                message=_("There is no month %(month)s: we read dates as day/month/year."),
                hint=_("Write the day first, then the month: %(swapped)s."),
                params={"month": month, "swapped": f"{month:02d}/{day:02d}/{year}"},
            )
    elif shape in {"nMY", "MnY", "YMn"}:  # 15 Jawza 1365, June 5 1985, 1365 Jawza 15
        day = next(p.number for p in numbers if p is not year_part)
        month = month_part.number if month_part else None
    else:
        raise _unreadable(field)

    if month is None:
        return (*_year_range(year, calendar), "year", calendar)
    if day is None:
        return (*_month_range(year, month, calendar, field), "month", calendar)
    exact = _exact_date(year, month, day, calendar, field)
    return exact, exact, "day", calendar


def _calendar_of_year(year: int, field: str) -> str:
    if year in SOLAR_HIJRI_YEARS:
        return "solar_hijri"
    if year in GREGORIAN_YEARS:
        return "gregorian"
    raise NormalisationError(
        field=field,
        code="date_year_unknown",
        message=_("The year %(year)s is neither a Gregorian nor a Solar Hijri year of birth."),
        hint=_("Write the year as on the passport (for example 1985) or the tazkira (1364)."),
        params={"year": year},
    )


def _calendar_mismatch(field: str) -> NormalisationError:
    return NormalisationError(
        field=field,
        code="date_calendar_mismatch",
        message=_("The month name and the year are from different calendars."),
        hint=_(
            "Use Solar Hijri month names with a Solar Hijri year (15 Jawza 1364), and Gregorian "
            "month names with a Gregorian year (5 June 1985)."
        ),
    )


def _impossible(field: str, written: str) -> NormalisationError:
    return NormalisationError(
        field=field,
        code="date_impossible",
        message=_("The date %(date)s does not exist."),
        hint=_("Check the day and the month against the document."),
        params={"date": written},
    )


def _exact_date(year: int, month: int, day: int, calendar: str, field: str) -> datetime.date:
    written = f"{day:02d}/{month:02d}/{year}"
    try:
        if calendar == "solar_hijri":
            return JalaliDate(year, month, day).to_gregorian()
        return datetime.date(year, month, day)
    except ValueError:
        raise _impossible(field, written) from None


def _month_range(
    year: int, month: int, calendar: str, field: str
) -> tuple[datetime.date, datetime.date]:
    if not 1 <= month <= 12:
        raise _impossible(field, f"{month:02d}/{year}")
    if calendar == "solar_hijri":
        last_day = JalaliDate.days_in_month(month, year)
        return (
            JalaliDate(year, month, 1).to_gregorian(),
            JalaliDate(year, month, last_day).to_gregorian(),
        )
    return (
        datetime.date(year, month, 1),
        datetime.date(year, month, calendar_module.monthrange(year, month)[1]),
    )


def _year_range(year: int, calendar: str) -> tuple[datetime.date, datetime.date]:
    if calendar == "solar_hijri":
        return (
            JalaliDate(year, 1, 1).to_gregorian(),
            JalaliDate(year + 1, 1, 1).to_gregorian() - datetime.timedelta(days=1),
        )
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _check_plausible(
    earliest: datetime.date, latest: datetime.date, today: datetime.date, field: str
) -> None:
    if earliest > today:
        raise NormalisationError(
            field=field,
            code="date_in_future",
            message=_("This date of birth is in the future (%(date)s)."),
            hint=_(
                "Check the year. A tazkira year is Solar Hijri: 1364, not 1985; a passport year "
                "is Gregorian."
            ),
            params={"date": earliest.isoformat()},
        )
    if latest < _years_before(today, MAX_AGE_YEARS):
        raise NormalisationError(
            field=field,
            code="date_too_old",
            message=_("This date of birth is more than %(years)s years ago."),
            hint=_("Check the year against the document."),
            params={"years": MAX_AGE_YEARS},
        )


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]")


def normalise_phone(text: str, *, default_region: str = "AF", field: str = "phone") -> str:
    """Return the number in E.164 ("+93791234567").

    Numbers of the default region (Afghanistan) must be valid in its numbering plan, which
    catches a digit too many or too few. Numbers abroad written with + or 00 must have a possible
    length for their country: the metadata for 240 countries lags new number ranges, and
    refusing a relative's real number costs more than accepting an unallocated one.
    """
    cleaned = _clean(text)
    if not cleaned:
        raise NormalisationError(
            field=field,
            code="phone_missing",
            message=_("The phone number is empty."),
            hint=_("Write a phone number, for example 0791234567 or +44 7700 900123."),
        )
    if _LETTERS.search(cleaned):
        raise _phone_invalid(field)
    try:
        number = phonenumbers.parse(cleaned, default_region)
    except phonenumbers.NumberParseException:
        raise _phone_invalid(field) from None

    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    if region == default_region or number.country_code == _country_code(default_region):
        if phonenumbers.is_valid_number(number):
            return _e164(number)
        if not phonenumbers.is_possible_number(number) and _looks_foreign(cleaned, default_region):
            raise NormalisationError(
                field=field,
                code="phone_wrong_country",
                message=_("This is not an Afghan phone number; it may be a number abroad."),
                hint=_(
                    "Write a number abroad with + and the country code, for example "
                    "+44 7700 900123 for the United Kingdom. An Afghan mobile number has 10 "
                    "digits and starts with 07."
                ),
            )
        raise _phone_invalid(field)
    # A whole number, not one dialled only locally ("+44 1234" is "possible" as a local number).
    whole = phonenumbers.ValidationResult.IS_POSSIBLE
    if phonenumbers.is_valid_number(number) or (
            phonenumbers.is_possible_number_with_reason(number) == whole):
        return _e164(number)
    raise _phone_invalid(field)


def _country_code(region: str) -> int:
    return phonenumbers.country_code_for_region(region)


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_invalid(field: str) -> NormalisationError:
    return NormalisationError(
        field=field,
        code="phone_invalid",
        message=_("This is not a valid phone number."),
        hint=_(
            "Check the digits. An Afghan mobile number has 10 digits and starts with 07 "
            "(0791234567); a number abroad starts with + and the country code."
        ),
    )


def _looks_foreign(cleaned: str, default_region: str) -> bool:
    """A national-format number (trunk 0, no + or 00) that is a possible number elsewhere."""
    digits = re.sub(r"\D", "", cleaned)
    if cleaned.startswith("+") or digits.startswith("00") or not digits.startswith("0"):
        return False
    for region in phonenumbers.SUPPORTED_REGIONS - {default_region}:
        try:
            candidate = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(candidate):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Document numbers
# --------------------------------------------------------------------------------------------

_DOCUMENT_PUNCTUATION = re.compile(r"[\s\-\u2010\u2011\u2013\u2014./\\_:]+")
_DOCUMENT_CHARACTERS = re.compile(r"[A-Z0-9]+")
# (shortest, longest) after cleaning. Passports: ICAO 9303 document numbers are 9 characters in
# the MRZ, longer ones overflow into the optional field; Afghan passports are a letter and 7-8
# digits. Tazkiras: the e-tazkira number is 13 digits (1400-0101-12345), paper tazkira numbers
# are shorter; some registrants write volume and page numbers too.
_DOCUMENT_LENGTHS = {"passport": (5, 12), "tazkira": (3, 20)}
_DEFAULT_DOCUMENT_LENGTH = (3, 20)


# A paper tazkira is cited by the register's volume, page and number ("Jild 77 Safha 244 No
# 420537", "جلد ۷۷ صفحه ۲۴۴ نمبر ۴۲۰۵۳۷"); forms ask for "the tazkira number", and the same person
# writes the number alone on another: the number is what identifies the tazkira across forms.
_PAPER_TAZKIRA = re.compile(
    r"(?:jild|jeld|jld|vol(?:ume)?|جلد)\W*\d+\W*"
    r"(?:safha|safhe|safa|page|pg|p|صفحه|صفحہ)\W*\d+\W*"
    r"(?:(?:no|nr|num|number|sabt|shomara|نمبر|شماره|ثبت)\W*){1,2}(\d+)",
    re.IGNORECASE,
)


def normalise_document_number(text: str, *, field: str) -> str:
    """Return the document number upper-case, ASCII digits, without spaces, dashes, dots or
    slashes ("p 0123-4567" -> "P01234567"). The kind of document is read from the field name.
    A paper tazkira cited by volume, page and number is its number ("Jild 77 Safha 244 No
    420537" -> "420537")."""
    paper = _PAPER_TAZKIRA.search(_clean(text)) if "tazkira" in field.lower() else None
    if paper:
        text = paper.group(1)
    cleaned = _DOCUMENT_PUNCTUATION.sub("", _clean(text)).upper()
    if not cleaned:
        raise NormalisationError(
            field=field,
            code="document_missing",
            message=_("The document number is empty."),
            hint=_("Copy the number exactly as it is printed on the document."),
        )
    if not _DOCUMENT_CHARACTERS.fullmatch(cleaned) or not any(c.isdigit() for c in cleaned):
        raise NormalisationError(
            field=field,
            code="document_characters",
            message=_("A document number has only Latin letters and digits."),
            hint=_(
                "Copy the number exactly as it is printed on the document, without words such "
                "as 'volume' or 'page'."
            ),
        )
    kind = next((k for k in _DOCUMENT_LENGTHS if k in field.lower()), None)
    shortest, longest = _DOCUMENT_LENGTHS.get(kind or "", _DEFAULT_DOCUMENT_LENGTH)
    if not shortest <= len(cleaned) <= longest:
        raise NormalisationError(
            field=field,
            code="document_length",
            message=_(
                "A document number here has %(shortest)s to %(longest)s characters; "
                "this one has %(length)s."
            ),
            hint=_("Check that no character is missing or repeated."),
            params={"shortest": shortest, "longest": longest, "length": len(cleaned)},
        )
    return cleaned


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

# Letters that exist in Pashto and not in Dari; their presence tells us a name is spelt in Pashto.
_PASHTO_LETTERS = frozenset("ټډړږښګڼېۍځڅ")
_KAF_AND_DOTLESS_YEH = str.maketrans({"ك": "ک", "ى": "ی"})
_ARABIC_YEH = str.maketrans({"ي": "ی"})
_DECORATIVE = dict.fromkeys([0x0640])  # tatweel (kashida) only stretches a word on screen
# Lower-case joining particles in Latin spellings of Arabic-origin names: Amin-ul-Haq,
# Abd al-Rahman, Zia ul Haq, Osama bin Laden.
_NAME_PARTICLES = frozenset(
    {"al", "ul", "ud", "ur", "ad", "ar", "as", "an", "un", "el", "bin", "ibn", "bint", "binti"}
)
# Standing alone, only particles that are never a name in their own right ("An" is one).
_STANDALONE_PARTICLES = frozenset({"al", "ul", "ud", "ur", "bin", "ibn", "bint", "binti"})
_WHITESPACE = re.compile(r"\s+")
_ZWNJ_RUNS = re.compile(r"\u200c{2,}")
_ZWNJ_AT_SPACE = re.compile(r"\s*\u200c\s+|\s+\u200c\s*")
_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]")


def normalise_name(text: str) -> str:
    """Return the name NFC, with single spaces and no invisible marks.

    Latin-script words are put in title case when written all upper or all lower case
    ("AHMAD  shah" -> "Ahmad Shah", "AMIN-UL-HAQ" -> "Amin-ul-Haq"); mixed case such as
    "McDonald" is kept. Arabic-script words are kept as written, except that the Arabic Kaf (ك)
    and dotless Yeh (ى) become the Persian ک and ی that Dari and Pashto use, and the Arabic Yeh
    (ي) becomes ی unless the name has letters proper to Pashto, where ي and ی are two letters.
    """
    cleaned = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_DECORATIVE)
    cleaned = _ZWNJ_RUNS.sub("\u200c", _ZWNJ_AT_SPACE.sub(" ", cleaned))
    cleaned = _WHITESPACE.sub(" ", cleaned).strip().strip("\u200c")
    cleaned = cleaned.translate(_KAF_AND_DOTLESS_YEH)
    if not _PASHTO_LETTERS & set(cleaned):
        cleaned = cleaned.translate(_ARABIC_YEH)
    words = cleaned.split(" ")
    return " ".join(_latin_title_case(word, first=i == 0) for i, word in enumerate(words))


def _latin_title_case(word: str, *, first: bool) -> str:
    if not _LATIN_WORD.search(word):
        return word
    if word != word.upper() and word != word.lower() and word[0].isupper():
        return word
    pieces = word.split("-")
    titled = []
    for i, piece in enumerate(pieces):
        lowered = piece.lower()
        particle = lowered in _NAME_PARTICLES and len(pieces) > 1 and not (first and i == 0)
        standalone_particle = len(pieces) == 1 and lowered in _STANDALONE_PARTICLES and not first
        if particle or standalone_particle:
            titled.append(lowered)
        else:
            titled.append(_capitalise(lowered))
    return "-".join(titled)


def _capitalise(piece: str) -> str:
    # O'Brien, D'Souza keep a capital after a one-letter prefix; Sa'id stays Sa'id.
    head, apostrophe, tail = piece.partition("'")
    if apostrophe and len(head) == 1 and tail:
        return _upper_first(head) + apostrophe + _upper_first(tail)
    return _upper_first(piece)


def _upper_first(piece: str) -> str:
    # "ß".upper() is "SS": a letter with no single upper-case form stays as it is.
    first = piece[:1].upper()
    return (first if len(first) == 1 else piece[:1]) + piece[1:]


# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------

_email_validator = EmailValidator()


def normalise_email(text: str, *, field: str = "email") -> str:
    """Return the address trimmed and lower-case (the providers our registrants use ignore case,
    and one spelling lets linkage compare addresses); full-width characters become ASCII."""
    cleaned = unicodedata.normalize("NFKC", _clean(text)).removeprefix("mailto:").lower()
    if not cleaned:
        raise NormalisationError(
            field=field,
            code="email_missing",
            message=_("The e-mail address is empty."),
            hint=_("Write an e-mail address such as name@example.org, or leave the field out."),
        )
    try:
        _email_validator(cleaned)
    except ValidationError:
        raise NormalisationError(
            field=field,
            code="email_invalid",
            message=_("This is not a valid e-mail address."),
            hint=_("An e-mail address looks like name@example.org, with no spaces."),
        ) from None
    return cleaned
