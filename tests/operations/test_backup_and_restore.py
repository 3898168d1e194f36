"""Backups that restore: the drill, on the database the suite runs on. A backup is written,
restored into a new empty database by another process with only the file and the recovery
key, and there every table has its rows, the audit trail verifies and a person's file reads."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pyrage
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safepassage.accounts.models import Role
from safepassage.operations.backups import table_counts
from safepassage.protection import keys
from safepassage.registry.models import Person
from tests.conftest import person

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

READ_BACK = """
import json, django
django.setup()
from safepassage.operations.backups import table_counts
from safepassage.registry.models import Person
someone = Person.objects.get(pk={pk})
print(json.dumps({{"counts": table_counts(), "name": someone.given_name,
                  "tazkira": someone.tazkira_number}}))
"""


@pytest.fixture
def recovery(tmp_path: Path, settings) -> Iterator[Path]:
    identity = pyrage.x25519.Identity.generate()
    key = tmp_path / "recovery.key"
    key.write_text(f"# offline\n{identity}\n")
    settings.BACKUP_RECIPIENTS = str(identity.to_public())
    settings.BACKUP_DIR = tmp_path / "backups"
    key_file = settings.DATA_KEY_FILE
    keys.load_keyring(reload=True)  # the ring of this worker's key file, whatever ran before
    yield key
    settings.DATA_KEY_FILE = key_file
    keys.load_keyring(reload=True)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of a new, empty database of the same kind as the suite's."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = django_settings.DATABASES["default"]
    name = f"sp_restore_{secrets.token_hex(4)}"
    server = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def safepassage(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A command on the restored side: its own settings, no key but what the backup brings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SAFEPASSAGE_", "DJANGO_", "PYTEST_"))}
    env |= {"DATABASE_URL": database_url, "SAFEPASSAGE_VAR_DIR": str(tmp_path / "restored-var"),
            "SAFEPASSAGE_DATA_KEY_FILE": str(tmp_path / "restored-keys.json"),
            "DJANGO_SETTINGS_MODULE": "safepassage.settings", "PYTHONPATH": "src"}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          check=False, timeout=300)


def test_a_backup_restores_into_an_empty_database_with_everything_readable(
    make_case, make_user, recovery, empty_database, tmp_path, capsys,
):
    make_case(person(given_name="Mariam", tazkira_number="1400-0101-99999"),
              person(given_name="Omid", relationship_to_head="child"))
    make_case(person(given_name="Sayed", phones=["+93700111222"]))
    make_user(Role.SUPERVISOR)
    someone = next(p for p in Person.objects.all() if p.given_name == "Mariam")
    before = table_counts()

    call_command("backup")
    written = capsys.readouterr().out
    backup = next(Path(django_settings.BACKUP_DIR).glob("*.tar.age"))
    assert str(backup) in written
    assert b"Mariam" not in backup.read_bytes()
    catalogue = json.loads(backup.with_name(backup.name + ".json").read_text())
    assert catalogue["key_ids"] == list(keys.load_keyring().data_keys)

    restored = safepassage("-m", "safepassage.cli", "restore", str(backup),
                           "--identity", str(recovery),
                           database_url=empty_database, tmp_path=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "every count as in the backup" in restored.stdout
    audit = safepassage("-m", "safepassage.cli", "verify-audit",
                        database_url=empty_database, tmp_path=tmp_path)
    assert audit.returncode == 0, audit.stderr
    assert "Audit trail intact" in audit.stdout
    read = safepassage("-c", READ_BACK.format(pk=someone.pk),
                       database_url=empty_database, tmp_path=tmp_path)
    assert read.returncode == 0, read.stderr
    after = json.loads(read.stdout.strip().splitlines()[-1])
    assert after["counts"] == before
    assert after["counts"]["registry_person"] == 3
    assert (after["name"], after["tazkira"]) == ("Mariam", someone.tazkira_number)


def test_restore_refuses_a_database_that_is_not_empty_and_a_wrong_key(
    make_case, recovery, tmp_path,
):
    make_case()
    call_command("backup")
    backup = next(Path(django_settings.BACKUP_DIR).glob("*.tar.age"))
    stranger = tmp_path / "other.key"
    stranger.write_text(str(pyrage.x25519.Identity.generate()))

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), "--identity", str(recovery))
    from safepassage.operations.backups import BackupError, _read_backup

    with pytest.raises(BackupError, match="does not open the backup"):
        _read_backup(backup, stranger.read_text(), tmp_path)


def test_old_data_keys_are_kept_while_a_retained_backup_was_written_under_them(
    make_case, recovery, settings, tmp_path,
):
    key_file = tmp_path / "keys.json"
    keys.write_key_file(key_file, keys.load_keyring())
    settings.DATA_KEY_FILE = key_file
    old = keys.load_keyring(reload=True).primary_kid
    make_case()
    call_command("backup")

    call_command("rotate_data_key")
    assert old in keys.load_keyring(reload=True).data_keys  # kept by default
    with pytest.raises(CommandError, match="retained backups were written under them"):
        call_command("rotate_data_key", "--reencrypt-only", "--delete-old-keys")
    assert old in keys.load_keyring(reload=True).data_keys

    for entry in Path(settings.BACKUP_DIR).glob("*.json"):
        doc = json.loads(entry.read_text())
        entry.write_text(json.dumps(doc | {"retained_until": "2000-01-01T00:00:00+00:00"}))
    call_command("rotate_data_key", "--reencrypt-only", "--delete-old-keys")
    assert old not in keys.load_keyring(reload=True).data_keys
