"""`safepassage verify` answers for text and images, from the database or exported files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from safepassage.accounts.models import User
from safepassage.credentials import qr, services
from safepassage.registry.models import Case

pytestmark = pytest.mark.django_db


def _verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_it_prints_valid_and_the_covered_names(approved_case: Case, caseworker: User) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    code, out = _verify(letter.token)
    assert code == 0
    assert out.splitlines()[0] == "VALID"
    assert "covers 4: Zabihullah, Mariam, Ahmad, Fatima" in out


def test_it_reads_a_png_and_uses_exported_files_only(
    approved_case: Case, caseworker: User, tmp_path: Path
) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    image = tmp_path / "letter.png"
    image.write_bytes(qr.qr_png(letter.token))
    call_command("export_trust_lists", out=tmp_path, stdout=io.StringIO())
    files = ["--trust-list", str(tmp_path / "trust-list.json"),
             "--revocation-list", str(tmp_path / "revocation-list.json"),
             "--anchor", str(tmp_path / "trust-anchor.pem")]
    assert _verify(str(image), *files)[1].startswith("VALID")

    services.revoke_credential(actor=caseworker, token_id=letter.token_id)
    assert _verify(str(image), *files)[1].startswith("VALID"), "old files know no revocation"
    call_command("export_trust_lists", out=tmp_path, stdout=io.StringIO())
    code, out = _verify(str(image), *files)
    assert code == 1 and out.startswith("REVOKED")


@pytest.mark.parametrize("arg", ["SP1:garbage", "hello", "missing.png"])
def test_garbage_or_a_missing_image_is_malformed_with_a_reason(arg: str) -> None:
    code, out = _verify(arg)
    assert code == 1
    assert out.startswith("MALFORMED")
    assert "reason: " in out


def test_json_output(approved_case: Case, caseworker: User) -> None:
    import json

    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    doc = json.loads(_verify(letter.token, "--json")[1])
    assert doc["result"] == "VALID" and doc["people"] == 4 and doc["kind"] == "facilitation letter"
