"""Passenger manifests for the carrier: CSV and PDF, household by household."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.utils import timezone
from fpdf import FPDF

from safepassage.airlift.models import Flight
from safepassage.airlift.paxlst import PaxlstFlight, PaxlstPassenger, build_paxlst
from safepassage.airlift.selectors import ManifestHousehold
from safepassage.protection.spreadsheet_cells import SpreadsheetSafeWriter

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CSV_COLUMNS = [
    "household", "case_reference", "household_seats", "family_name", "given_names",
    "sex", "birth_date", "document_type", "document_number", "infant_on_lap",
]


def manifest_csv(households: list[ManifestHousehold]) -> str:
    out = io.StringIO()
    writer = SpreadsheetSafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    for h in households:
        for p in h.passengers:
            writer.writerow([
                h.number, h.reference, h.seats, p.family_name, p.given_names, p.sex,
                p.birth_date, p.document_kind, p.document, "yes" if p.infant else "no",
            ])
    return out.getvalue()


PAXLST_SENDER = "SAFEPASSAGE"
PAXLST_SENDER_NAME = "SAFEPASSAGE CRISIS CELL"


def manifest_paxlst(
    flight: Flight, households: list[ManifestHousehold], *, prepared_at: dt.datetime
) -> str:
    """The flight's PAXLST message for the destination's border agency (airlift.paxlst)."""
    passengers = [
        PaxlstPassenger(
            family_name=p.family_name, given_names=p.given_names, sex=p.sex,
            birth_date=dt.date.fromisoformat(p.birth_date) if p.birth_date else None,
            reference=h.reference, document_kind=p.document_kind, document_number=p.document,
        )
        for h in households for p in h.passengers
    ]
    return build_paxlst(
        PaxlstFlight(code=flight.code, origin=flight.origin, destination=flight.destination,
                     departs_at=flight.departs_at, arrives_at=flight.landed_at),
        passengers, sender=PAXLST_SENDER, recipient=f"{flight.destination}API",
        sender_name=PAXLST_SENDER_NAME, prepared_at=prepared_at,
        reference=f"{flight.pk % 10**4:04d}{prepared_at.astimezone(dt.UTC):%m%d%H%M}",
    )


def manifest_pdf(flight: Flight, households: list[ManifestHousehold]) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    if (FONT_DIR / "DejaVuSans.ttf").exists():
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    else:
        family = "Helvetica"
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(family, "B", 14)
    people = sum(len(h.passengers) for h in households)
    seats = sum(h.seats for h in households)
    pdf.cell(0, 8, f"Passenger manifest {flight.code}  {flight.origin} - {flight.destination}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    departs = timezone.localtime(flight.departs_at)
    pdf.cell(0, 6, f"Departure {departs:%Y-%m-%d %H:%M %Z} · {len(households)} "
             f"households · {people} people · {seats} of {flight.seats} seats",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = [14, 36, 16, 52, 62, 10, 26, 12, 38, 14]
    heads = ["Hh", "Case", "Seats", "Family name", "Given names", "Sex", "Born", "Doc",
             "Document no.", "Lap"]
    pdf.set_font(family, "B", 9)
    for w, text in zip(widths, heads, strict=True):
        pdf.cell(w, 7, text, border=1)
    pdf.ln()
    pdf.set_font(family, "", 9)
    for h in households:
        for i, p in enumerate(h.passengers):
            first = i == 0
            row = [
                str(h.number) if first else "", h.reference if first else "",
                str(h.seats) if first else "", p.family_name, p.given_names, p.sex,
                p.birth_date, p.document_kind, p.document, "yes" if p.infant else "",
            ]
            border = "LRT" if first else "LR"
            for w, text in zip(widths, row, strict=True):
                pdf.cell(w, 6, text, border=border)
            pdf.ln()
    pdf.cell(sum(widths), 0, "", border="T")
    return bytes(pdf.output())
