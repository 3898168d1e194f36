"""The printable documents: a facilitation letter and a boarding pass, as PDF with the signed QR.

The letter's wording is a document template reviewed as a whole in each language (English, French,
Dari, Pashto), so it lives here rather than in the UI catalogues. Dari and Pashto are shaped right
to left by HarfBuzz (fpdf2 text shaping) in DejaVu Sans, which covers Arabic script.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from safepassage.credentials import qr
from safepassage.credentials import token as tk

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RTL_LANGUAGES = {"fa-af", "ps"}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "letter": "Facilitation letter",
        "pass": "Boarding pass",
        "letter_body": (
            "{name}, born {year}, and the {people} people of the household listed below "
            "(case {ref}) are approved for evacuation by {issuer}. We ask every authority to let "
            "them pass to the airport and to board. This letter is valid until {expiry}. Its QR "
            "code is signed: scan it with the SafePassage verifier to confirm it."
        ),
        "pass_body": (
            "The {people} people of household {ref} listed below hold seats on flight {flight} "
            "on {date}. Show this QR code at the gate. Valid until {expiry}."
        ),
        "household": "Household",
        "flight": "Flight",
        "date": "Date",
        "case": "Case",
        "people": "People",
    },
    "fr": {
        "letter": "Lettre de facilitation",
        "pass": "Carte d'embarquement",
        "letter_body": (
            "{name}, né(e) en {year}, et les {people} personnes du foyer ci-dessous "
            "(dossier {ref}) sont autorisées à être évacuées par {issuer}. Nous demandons à "
            "toute autorité de les laisser passer jusqu'à l'aéroport et embarquer. Cette lettre "
            "est valable jusqu'au {expiry}. Son code QR est signé : scannez-le avec le "
            "vérificateur SafePassage pour le confirmer."
        ),
        "pass_body": (
            "Les {people} personnes du foyer {ref} ci-dessous ont une place sur le vol {flight} "
            "du {date}. Présentez ce code QR à la porte. Valable jusqu'au {expiry}."
        ),
        "household": "Foyer",
        "flight": "Vol",
        "date": "Date",
        "case": "Dossier",
        "people": "Personnes",
    },
    "fa-af": {
        "letter": "نامهٔ تسهیل سفر",
        "pass": "کارت پرواز",
        "letter_body": (
            "{name}، متولد سال {year}، و {people} نفر از اعضای خانواده که نام‌شان در زیر آمده "
            "است (پرونده {ref}) از سوی {issuer} برای انتقال منظور شده‌اند. از همهٔ مقامات "
            "خواهشمندیم به آنان اجازه دهند تا به میدان هوایی بروند و سوار طیاره شوند. این نامه "
            "تا {expiry} اعتبار دارد. کد QR آن امضا شده است: برای تأیید، آن را با برنامهٔ "
            "تأیید SafePassage اسکن کنید."
        ),
        "pass_body": (
            "{people} نفر از خانوادهٔ {ref} که نام‌شان در زیر آمده است در پرواز {flight} به "
            "تاریخ {date} جا دارند. این کد QR را در دروازه نشان دهید. اعتبار تا {expiry}."
        ),
        "household": "خانواده",
        "flight": "پرواز",
        "date": "تاریخ",
        "case": "پرونده",
        "people": "نفر",
    },
    "ps": {
        "letter": "د اسانتیا لیک",
        "pass": "د الوتنې کارت",
        "letter_body": (
            "{name}، چې په {year} کال زیږیدلی، او د کورنۍ {people} غړي چې نومونه یې لاندې "
            "راغلي (دوسیه {ref}) د {issuer} لخوا د ایستلو لپاره منظور شوي دي. له ټولو "
            "چارواکو هیله کوو چې دوی ته اجازه ورکړي چې هوايي ډګر ته لاړ شي او الوتکې ته "
            "وخېژي. دا لیک تر {expiry} پورې اعتبار لري. د دې QR کوډ لاسلیک شوی دی: د تایید "
            "لپاره یې د SafePassage تاییدوونکي سره سکن کړئ."
        ),
        "pass_body": (
            "د {ref} کورنۍ {people} غړي چې نومونه یې لاندې راغلي د {date} نېټې په {flight} "
            "الوتنه کې ځای لري. دا QR کوډ په دروازه کې وښایاست. اعتبار تر {expiry} پورې."
        ),
        "household": "کورنۍ",
        "flight": "الوتنه",
        "date": "نېټه",
        "case": "دوسیه",
        "people": "کسان",
    },
}


@dataclass(frozen=True)
class DocumentFacts:
    """What a document prints: the token's payload plus the household's names for the holder."""

    payload: tk.Payload
    issuer: str
    expires_at: dt.datetime
    token_text: str
    language: str  # the head of household's preferred language
    member_names: list[tuple[str, str]]  # (Latin name, name in Arabic script)


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_margins(18, 15, 18)
    pdf.add_page()
    return pdf


def _languages(language: str) -> list[str]:
    own = language if language in TEXT else "en"
    return [own, "en"] if own != "en" else ["en"]


def _section(pdf: FPDF, lang: str, title: str, body: str) -> None:
    rtl = lang in RTL_LANGUAGES
    align = "R" if rtl else "L"
    pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr")
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 9, title, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6.5, body, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_text_shaping(True)


def _members(pdf: FPDF, facts: DocumentFacts, heading: str) -> None:
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 8, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 11)
    for n, (latin, native) in enumerate(facts.member_names, start=1):
        pdf.cell(10, 7, f"{n}.")
        pdf.cell(85, 7, latin)
        if native:
            pdf.set_text_shaping(True, direction="rtl")
            pdf.cell(0, 7, native, align="R")
            pdf.set_text_shaping(True)
        pdf.ln(7)
    pdf.ln(3)


def _qr(pdf: FPDF, facts: DocumentFacts, size_mm: float) -> None:
    png = qr.qr_png(facts.token_text, scale=8)
    x = (pdf.w - size_mm) / 2
    pdf.image(io.BytesIO(png), x=x, y=pdf.get_y(), w=size_mm, h=size_mm,
              alt_text="Signed QR code")
    pdf.set_y(pdf.get_y() + size_mm + 2)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(0, 5, f"{facts.issuer} · {facts.payload.case_reference} · "
                   f"valid until {facts.expires_at:%Y-%m-%d %H:%M} UTC",
             align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _values(facts: DocumentFacts, lang: str) -> dict[str, object]:
    p = facts.payload
    # Slashes, not hyphens: a hyphenated date is flipped to 01-12-2026 in a right-to-left line.
    date_format = "%Y/%m/%d" if lang in RTL_LANGUAGES else "%Y-%m-%d"
    return {
        "name": p.name, "year": p.birth_year or "?", "people": p.people,
        "ref": p.case_reference, "issuer": facts.issuer, "flight": p.flight,
        "date": p.departure.replace("-", "/") if lang in RTL_LANGUAGES else p.departure,
        "expiry": facts.expires_at.strftime(date_format),
    }


def facilitation_letter_pdf(facts: DocumentFacts) -> bytes:
    pdf = _pdf()
    pdf.set_title(f"Facilitation letter {facts.payload.case_reference}")
    for lang in _languages(facts.language):
        words = TEXT[lang]
        _section(pdf, lang, words["letter"], words["letter_body"].format(**_values(facts, lang)))
    _members(pdf, facts, f"{TEXT['en']['household']} · {facts.payload.case_reference}")
    _qr(pdf, facts, 85)
    return bytes(pdf.output())


def boarding_pass_pdf(facts: DocumentFacts) -> bytes:
    pdf = _pdf()
    p = facts.payload
    pdf.set_title(f"Boarding pass {p.flight} {p.departure} {p.case_reference}")
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(0, 12, f"{p.flight}   {p.departure}", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for lang in _languages(facts.language):
        words = TEXT[lang]
        _section(pdf, lang, words["pass"], words["pass_body"].format(**_values(facts, lang)))
    _members(pdf, facts, f"{TEXT['en']['people']}: {p.people}")
    _qr(pdf, facts, 90)
    return bytes(pdf.output())
