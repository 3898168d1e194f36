import pytest

from safepassage.messaging.models import Kind
from safepassage.messaging.notices import email_html, language_for, render
from safepassage.messaging.segments import measure, segments
from safepassage.registry.models import Status

REFERENCE = "SP-7K4M9-Q2XZ3"
FLIGHT = {"reference": REFERENCE, "flight": "RCH871", "departure": "26 Aug 2021 14:30"}


def test_a_dari_email_renders_right_to_left():
    notice = render(Kind.REGISTRATION_RECEIVED, "fa-af", {"reference": REFERENCE})

    html = email_html(notice.text, "fa-af")

    assert '<html lang="fa-af" dir="rtl">' in html
    assert "ثبت‌نام خانوادهٔ شما دریافت شد" in html
    assert REFERENCE in html


def test_an_english_email_stays_left_to_right():
    notice = render(Kind.REGISTRATION_RECEIVED, "en", {"reference": REFERENCE})

    assert 'dir="ltr"' in email_html(notice.text, "en")


def test_pashto_and_french_have_their_own_texts_and_unknown_languages_get_english():
    pashto = render(Kind.STATUS_CHANGED, "ps", {"reference": REFERENCE, "status": "approved"})
    french = render(Kind.STATUS_CHANGED, "fr", {"reference": REFERENCE, "status": "approved"})
    unknown = render(Kind.STATUS_CHANGED, "uz", {"reference": REFERENCE, "status": "approved"})

    assert "منظور شوی" in pashto.sms
    assert "Approuvé" in french.sms
    assert unknown.sms.startswith("SafePassage: case SP-7K4M9-Q2XZ3 is now: Approved.")
    assert language_for("uz") == "en" and language_for("fa_AF") == "fa-af"


def test_an_sms_in_arabic_script_is_counted_in_ucs2_segments():
    assert measure("س" * 70).encoding == "UCS-2"
    assert segments("س" * 70) == 1
    assert segments("س" * 71) == 2  # 67 + 4: a long SMS carries a header in every part
    assert segments("س" * 134) == 2
    assert segments("س" * 135) == 3
    assert segments("SafePassage: " + "س") == 1  # one Arabic letter turns the whole SMS UCS-2
    assert measure("SafePassage: " + "س" * 60).units == 73
    parts = measure("س" * 135).parts
    assert [len(p) for p in parts] == [67, 67, 1]


def test_a_latin_sms_is_counted_in_gsm7_septets_with_two_for_the_extension_table():
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2
    assert segments("a" * 307) == 3
    assert measure("€[]").units == 6 and measure("€[]").encoding == "GSM-7"
    assert measure("é à ü").encoding == "GSM-7"  # in the GSM alphabet
    assert measure("ê").encoding == "UCS-2"  # not in it
    # an escape pair is never split: 152 letters and a € do not fit the 153 of the first part
    assert [len(p) for p in measure("a" * 152 + "€" + "a" * 10).parts] == [152, 11]


@pytest.mark.parametrize("language", ["en", "fr", "fa-af", "ps"])
def test_every_sms_we_send_fits_in_two_segments(language):
    contexts = [
        (Kind.REGISTRATION_RECEIVED, {"reference": REFERENCE}),
        (Kind.FLIGHT_ASSIGNED, FLIGHT),
        (Kind.FLIGHT_CHANGED, FLIGHT),
        (Kind.BOARDING_PASS_ISSUED, {"reference": REFERENCE}),
        (Kind.ACCOMMODATION, {"reference": REFERENCE, "site": "Reception centre Lyon-Nord",
                              "day": "24/08/2021"}),
        (Kind.PLACEMENT, {"reference": REFERENCE, "place": "Villeurbanne community"}),
        (Kind.MILESTONE, {"reference": REFERENCE, "milestone": "Health screening",
                          "next": "School enrolment"}),
    ] + [(Kind.STATUS_CHANGED, {"reference": REFERENCE, "status": s}) for s in Status.values]

    too_long = [
        (kind, ctx.get("status"), measure(sms).units)
        for kind, ctx in contexts
        if segments(sms := render(kind, language, ctx).sms) > 2
    ]

    assert too_long == []


def test_the_dari_sms_is_really_in_dari():
    sms = render(Kind.FLIGHT_ASSIGNED, "fa-af", FLIGHT).sms
    assert "پرواز" in sms and "RCH871" in sms
    assert measure(sms).encoding == "UCS-2"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_english_and_french_sms_stay_in_the_cheaper_gsm_alphabet(language):
    sms = [render(kind, language, ctx).sms for kind, ctx in [
        (Kind.REGISTRATION_RECEIVED, {"reference": REFERENCE}),
        (Kind.FLIGHT_ASSIGNED, FLIGHT), (Kind.FLIGHT_CHANGED, FLIGHT),
        (Kind.BOARDING_PASS_ISSUED, {"reference": REFERENCE}),
        (Kind.ACCOMMODATION, {"reference": REFERENCE, "site": "Reception centre Lyon-Nord",
                              "day": "24/08/2021"}),
        (Kind.PLACEMENT, {"reference": REFERENCE, "place": "Villeurbanne community"}),
        (Kind.MILESTONE, {"reference": REFERENCE, "milestone": "Health screening",
                          "next": "School enrolment"}),
    ] + [(Kind.STATUS_CHANGED, {"reference": REFERENCE, "status": s}) for s in Status.values]]

    assert [s for s in sms if measure(s).encoding != "GSM-7"] == []
