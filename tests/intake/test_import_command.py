"""`safepassage import FILE --org NAME`: one summary line on stdout, or JSON."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.accounts.models import Organisation
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_file", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_one_summary_line(tmp_path: Path, partner_org: Organisation) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([good_row(1), good_row(2), good_row(3, given_name="")]))

    assert run(str(path), "--org", partner_org.name) == (
        "imported 2, quarantined 1, unchanged 0\n")
    assert run(str(path), "--org", partner_org.slug) == (
        "imported 0, quarantined 1, unchanged 2\n")


def test_json_gives_the_same_figures(tmp_path: Path, partner_org: Organisation) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(b"Given Name;Phone\nWahid;0791234567\n")  # Excel in Europe: semicolons

    summary = json.loads(run(str(path), "--org", partner_org.name, "--json"))

    assert (summary["imported"], summary["quarantined"], summary["unchanged"]) == (1, 0, 0)


def test_an_unknown_organisation_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([good_row(1)]))
    with pytest.raises(CommandError, match="No organisation named 'Nobody'"):
        run(str(path), "--org", "Nobody")


def test_create_org_registers_a_new_partner_on_its_first_import(tmp_path: Path) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([good_row(1)]))

    assert run(str(path), "--org", "Veterans Network", "--create-org").startswith("imported 1")
    assert Organisation.objects.get(name="Veterans Network").slug == "veterans-network"
    assert run(str(path), "--org", "Veterans Network", "--create-org").startswith("imported 0")
    assert Organisation.objects.filter(name="Veterans Network").count() == 1


def _issued_token(organisation: Organisation) -> tuple[str, Any]:
    """A token printed by `safepassage api-token`, and a client that sends it."""
    from django.test import Client

    out = StringIO()
    call_command("api_token", "--org", organisation.slug, stdout=out)
    token = out.getvalue().strip()
    return token, Client(headers={"Authorization": f"Bearer {token}"})


def test_an_api_token_is_printed_once_and_works(partner_org: Organisation) -> None:
    _token, client = _issued_token(partner_org)
    assert client.get("/api/v1/registrations/").status_code == 200


def test_a_revoked_token_is_refused_from_the_next_request(partner_org: Organisation) -> None:
    from safepassage.audit.models import AuditEntry

    token, client = _issued_token(partner_org)
    assert client.get("/api/v1/registrations/").status_code == 200

    listed = StringIO()
    call_command("api_token", "--org", partner_org.slug, "--list", stdout=listed)
    assert f"{token[:10]}…" in listed.getvalue() and "live" in listed.getvalue()
    assert token not in listed.getvalue()

    done = StringIO()
    call_command("api_token", "--org", partner_org.slug, "--revoke", token[:10], stdout=done)

    assert done.getvalue().strip() == "revoked 1 token(s)"
    assert client.get("/api/v1/registrations/").status_code == 401
    assert AuditEntry.objects.filter(action="intake.api_token_revoked").count() == 1
    with pytest.raises(CommandError, match="No live token"):
        call_command("api_token", "--org", partner_org.slug, "--revoke", token[:10])
