"""A copy of the database, without the keys, must reveal no one."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from safepassage.registry.models import Person
from tests.conftest import person

SECRETS = ["Zabihullah", "Stanikzai", "791234567", "140001011234", "P01234567", "ستانکزی"]


def raw_database_bytes() -> bytes:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()  # checkpoint nothing away: read the main file and its WAL as they are
        path = Path(settings["NAME"])
        return b"".join(p.read_bytes() for p in [path, Path(f"{path}-wal")] if p.exists())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed to check a PostgreSQL dump")
    return subprocess.run(
        [pg_dump, "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
         "-U", settings["USER"], settings["NAME"]],
        capture_output=True, check=True,
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_the_raw_database_holds_no_name_phone_or_document_number(make_case):
    make_case(person(), person(given_name="Zahra", relationship_to_head="spouse"))

    raw = raw_database_bytes()

    assert len(raw) > 10_000, "read the database itself"
    assert b"interpreter" in raw, "the raw copy must contain the case, else this proves nothing"
    for secret in SECRETS:
        assert secret.encode("utf-8") not in raw, secret


def test_values_read_back_decrypted(make_case):
    make_case(person(phones=["+93791234567", "+4915112345678"]))

    stored = Person.objects.get()

    assert stored.given_name == "Zabihullah"
    assert stored.phones == ["+93791234567", "+4915112345678"]
    assert stored.birth_date.isoformat() == "1987-06-05"


def test_a_ciphertext_moved_to_another_column_does_not_decrypt(make_case):
    from safepassage.protection.cipher import DecryptionError

    make_case()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_person SET family_name = given_name")

    with pytest.raises(DecryptionError, match="failed authentication"):
        Person.objects.get()
