"""QR codes of tokens: rendered with segno at error correction M, read back with zxing-cpp."""

from __future__ import annotations

import io
from pathlib import Path

import segno
import zxingcpp
from PIL import Image

ERROR_CORRECTION = "m"
# Beyond version 12 (65 modules a side) a phone screen in sunlight scans poorly.
MAX_VERSION = 12


class TokenTooLarge(ValueError):
    pass


def make_qr(text: str) -> segno.QRCode:
    qr = segno.make_qr(text, error=ERROR_CORRECTION, boost_error=False)
    # segno types version as int | str ("M1"... for Micro QR); make_qr makes full QR codes only.
    if qr.version > MAX_VERSION:  # type: ignore[operator]
        raise TokenTooLarge(
            f"the token needs QR version {qr.version}, above {MAX_VERSION}: shorten the payload"
        )
    return qr


def qr_png(text: str, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    make_qr(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def read_qr_texts(image: Path | bytes | Image.Image) -> list[str]:
    """Every QR code's text found in an image (a photo, a screenshot, a rendered PNG)."""
    picture: Image.Image
    if isinstance(image, Path):
        picture = Image.open(image)
    elif isinstance(image, bytes):
        picture = Image.open(io.BytesIO(image))
    else:
        picture = image
    picture = picture.convert("L")
    found = zxingcpp.read_barcodes(picture)
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]
