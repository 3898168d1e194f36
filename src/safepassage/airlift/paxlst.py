"""The UN/EDIFACT PAXLST message (advance passenger information, directory D05B) of one flight,
as carriers send it to the destination's border agency. Pure: data in, message text out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# UNA: component ":", element "+", decimal ".", release "?", reserved " ", segment "'".
UNA = "UNA:+.? '"
SPECIAL = "?:+'"
SEX_CODES = {"M": "M", "F": "F"}  # anything else is "U", unknown (D05B code list 9/6405)
DOCUMENT_CODES = {"P": "P", "T": "I"}  # passport; tazkira is a national identity card


class PaxlstError(ValueError):
    """The flight cannot be declared: the message names what is missing, `references` the
    households concerned."""

    def __init__(self, message: str, references: list[str] | None = None) -> None:
        super().__init__(message)
        self.references = references or []


@dataclass(frozen=True)
class PaxlstPassenger:
    family_name: str  # ICAO 9303 form (A-Z and "<"), as registry.latin.icao_part writes it
    given_names: str
    sex: str  # "M", "F" or anything else for unknown
    birth_date: dt.date | None
    reference: str  # the household's case reference, to name it in an error
    document_kind: str = ""  # "P" passport, "T" tazkira, "" none
    document_number: str = ""
    document_expiry: dt.date | None = None
    document_country: str = ""  # ISO 3166 alpha-3 of the issuing state
    nationality: str = ""  # ISO 3166 alpha-3


@dataclass(frozen=True)
class PaxlstFlight:
    code: str
    origin: str
    destination: str
    departs_at: dt.datetime  # UTC
    arrives_at: dt.datetime | None = None


def release(text: str) -> str:
    """Escape the separators and the release character itself with "?"."""
    return "".join(f"?{ch}" if ch in SPECIAL else ch for ch in text)


def _segment(tag: str, *elements: str | tuple[str, ...]) -> str:
    parts = [tag]
    for element in elements:
        if isinstance(element, tuple):
            components = [release(c) for c in element]
            while len(components) > 1 and components[-1] == "":
                components.pop()
            parts.append(":".join(components))
        else:
            parts.append(release(element))
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return "+".join(parts) + "'"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%y%m%d%H%M")


def build_paxlst(
    flight: PaxlstFlight, passengers: list[PaxlstPassenger], *, sender: str, recipient: str,
    sender_name: str, sender_phone: str = "", prepared_at: dt.datetime, reference: str,
) -> str:
    """The message, without line breaks (some border agencies reject them). `reference` is
    the control reference of UNB/UNZ, UNG/UNE and UNH/UNT (at most 14 characters)."""
    missing = sorted({p.reference for p in passengers if p.birth_date is None})
    if missing:
        raise PaxlstError(
            "Border agencies require a birth date for every passenger; record one (a year is "
            f"enough) for the people of {', '.join(missing)} before sending the manifest.",
            missing,
        )
    if not 0 < len(reference) <= 14:
        raise PaxlstError("The control reference must be 1 to 14 characters.")
    stamp = prepared_at.astimezone(dt.UTC)
    date_time = (stamp.strftime("%y%m%d"), stamp.strftime("%H%M"))
    message = [
        _segment("UNH", reference, ("PAXLST", "D", "05B", "UN", "IATA")),
        _segment("BGM", "745"),
        _segment("NAD", "MS", "", "", sender_name),
    ]
    if sender_phone:
        message.append(_segment("COM", (sender_phone, "TE")))
    message += [
        _segment("TDT", "20", flight.code),
        _segment("LOC", "125", flight.origin),
        _segment("DTM", ("189", _stamp(flight.departs_at), "201")),
        _segment("LOC", "87", flight.destination),
    ]
    if flight.arrives_at is not None:
        message.append(_segment("DTM", ("232", _stamp(flight.arrives_at), "201")))
    for p in passengers:
        assert p.birth_date is not None
        message += [
            _segment("NAD", "FL", "", "", (p.family_name, p.given_names)),
            _segment("ATT", "2", "", SEX_CODES.get(p.sex, "U")),
            _segment("DTM", ("329", p.birth_date.strftime("%y%m%d"))),
            _segment("LOC", "178", flight.origin),
            _segment("LOC", "179", flight.destination),
        ]
        if p.nationality:
            message.append(_segment("NAT", "2", p.nationality))
        if p.document_number and p.document_kind in DOCUMENT_CODES:
            message.append(_segment("DOC", (DOCUMENT_CODES[p.document_kind], "110", "111"),
                                    p.document_number))
            if p.document_expiry is not None:
                message.append(_segment("DTM", ("36", p.document_expiry.strftime("%y%m%d"))))
            if p.document_country:
                message.append(_segment("LOC", "91", p.document_country))
    message.append(_segment("CNT", ("42", str(len(passengers)))))
    message.append(_segment("UNT", str(len(message) + 1), reference))
    return "".join([
        UNA,
        _segment("UNB", ("UNOA", "4"), sender, recipient, date_time, reference),
        _segment("UNG", "PAXLST", sender, recipient, date_time, reference, "UN", ("D", "05B")),
        *message,
        _segment("UNE", "1", reference),
        _segment("UNZ", "1", reference),
    ])
