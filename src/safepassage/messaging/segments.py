"""How many SMS segments a text takes: GSM-7 when every character fits, UCS-2 otherwise.

A single GSM-7 SMS holds 160 septets, each part of a longer one 153 (the rest is the
concatenation header); characters of the extension table (€, [, ], {, }, ...) take two septets
and are never split across parts. UCS-2, which any Arabic-script text needs, holds 70 code
units, 67 per part; a character outside the Basic Multilingual Plane takes two and is not split.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets or UTF-16 code units
    parts: list[str]

    @property
    def segments(self) -> int:
        return len(self.parts)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _cost(char: str, gsm: bool) -> int:
    if gsm:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def measure(text: str) -> SmsLength:
    """The encoding, the length in units and the parts a phone network would send."""
    gsm = is_gsm7(text)
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    units = sum(_cost(c, gsm) for c in text)
    encoding = "GSM-7" if gsm else "UCS-2"
    if units <= single:
        return SmsLength(encoding, units, [text] if text else [])
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        cost = _cost(char, gsm)
        if used + cost > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += cost
    parts.append("".join(current))
    return SmsLength(encoding, units, parts)


def segments(text: str) -> int:
    return measure(text).segments
