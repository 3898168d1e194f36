"""The static verifier page: one HTML file with jsQR, the trust list and the revocation list inside.

It needs no network once opened: it decodes, checks signatures with WebCrypto (ES256, and Ed25519
where the browser has it, as current Chromium does) and looks up revocations locally.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from django.template.loader import render_to_string

from safepassage.credentials import token as tk
from safepassage.credentials import verification
from safepassage.credentials.services import TrustDocuments

VENDOR = Path(__file__).resolve().parent / "vendor"
JSQR_VERSION = "1.4.0"


def render_verifier_html(documents: TrustDocuments) -> str:
    anchor = tk.load_public_key(base64.b64decode(documents.anchor.public_key))
    data = {
        # Opened here against the anchor, so the page never embeds a list that was tampered with.
        "trust": verification.open_list(documents.trust_list, anchor=anchor),
        "revocations": verification.open_list(documents.revocation_list, anchor=anchor),
        "anchor": documents.anchor.kid,
        # The same bounds as `safepassage verify` (credentials.token): one truth for both.
        "limits": {"max_token_bytes": tk.MAX_TOKEN_BYTES, "max_token_text": tk.MAX_TOKEN_TEXT},
    }
    # "<" escaped so that no value can close the <script> element it sits in.
    data_json = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return render_to_string(
        "credentials/verifier.html",
        {"data_json": data_json, "jsqr": (VENDOR / "jsQR.js").read_text(),
         "jsqr_version": JSQR_VERSION},
    )


_INLINE = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1>", re.DOTALL)


def page_policy(html: str) -> str:
    """The Content-Security-Policy of the served page: its own inline scripts and style, by their
    SHA-256, and nothing else (no network, no other script, no framing). A file opened from disk
    has no header; the page never fetches anything anyway."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in _INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes[kind].append(f"'sha256-{digest}'")
    return "; ".join([
        "default-src 'none'",
        f"script-src {' '.join(hashes['script'])}",
        f"style-src {' '.join(hashes['style'])}",
        "img-src blob: data:",
        "media-src blob: mediastream:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])
