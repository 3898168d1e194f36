"""Backups that restore: one file, encrypted to the recovery public key (age, X25519), holding
the database (pg_dump's custom format, or a copy made through SQLite's online backup API), the
data keys that its encrypted values need, and a manifest with the row count of every table.

Only the recovery private key, kept offline, opens it. Each backup also leaves beside it a small
catalogue entry in clear (when, which key ids, until when it is kept, its SHA-256), so key
rotation can see which keys a retained backup was written under without opening it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import pyrage
from django.apps import apps
from django.conf import settings
from django.db import connection

from safepassage.protection.keys import Keyring, load_keyring, read_key_file, write_key_file

FORMAT = 1
MANIFEST, KEYRING, DUMP = "manifest.json", "keyring.json", "database.dump"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says what to do."""


def table_counts() -> dict[str, int]:
    """Rows in each table of our models (and Django's), to compare after a restore."""
    counts: dict[str, int] = {}
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in counts:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = int(cursor.fetchone()[0])
    return dict(sorted(counts.items()))


def _pg_environment() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                     ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        # pg_dump and pg_restore come from PATH: Debian's postgresql-client of the server.
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                   f"--file={target}"]
        subprocess.run(command, env=_pg_environment(), check=True, capture_output=True)  # noqa: S603
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupError(f"No backup for the {connection.vendor} database.")


def _keyring_document(ring: Keyring) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keys.json"
        write_key_file(path, ring)
        return path.read_bytes()


def recipients() -> list[pyrage.x25519.Recipient]:
    keys = [k.strip() for k in settings.BACKUP_RECIPIENTS.split(",") if k.strip()]
    if not keys:
        raise BackupError(
            "No recovery key: set SAFEPASSAGE_BACKUP_RECIPIENT to the public key printed by "
            "`safepassage generate-recovery-key` (keep its private key offline).")
    try:
        return [pyrage.x25519.Recipient.from_str(k) for k in keys]
    except pyrage.RecipientError as error:
        raise BackupError(f"SAFEPASSAGE_BACKUP_RECIPIENT is not an age public key: {error}") \
            from error


def _through_a_pipe(write: Callable[[IO[bytes]], None], read: Callable[[IO[bytes]], None]) -> None:
    """`write` fills a pipe in a thread while `read` drains it: nothing touches the disk."""
    read_fd, write_fd = os.pipe()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with os.fdopen(write_fd, "wb") as sink:
                write(sink)
        except BaseException as error:  # re-raised below, in the caller's thread
            errors.append(error)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with os.fdopen(read_fd, "rb") as source:
            read(source)
    except BaseException:
        thread.join()
        if errors:  # the writer's failure (a wrong key) is the cause of the reader's
            raise errors[0] from None
        raise
    thread.join()
    if errors:
        raise errors[0]


@dataclass(frozen=True)
class BackupFile:
    path: Path
    manifest: dict[str, Any]


def make_backup(*, out: Path | None = None) -> BackupFile:
    """Write one encrypted backup file; returns where and its manifest."""
    to = recipients()
    ring = load_keyring(reload=True)
    now = dt.datetime.now(dt.UTC)
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = out or folder / f"safepassage-{now:%Y%m%dT%H%M%SZ}.tar.age"
    manifest = {
        "format": FORMAT, "safepassage": version("safepassage"),
        "created_at": now.isoformat(), "database": connection.vendor,
        "key_ids": list(ring.data_keys), "tables": table_counts(),
    }
    keyring = _keyring_document(ring)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        dump = Path(work) / DUMP
        _dump_database(dump)

        def write_tar(sink: IO[bytes]) -> None:
            with tarfile.open(fileobj=sink, mode="w|gz") as tar:
                for name, data in ((MANIFEST, json.dumps(manifest, indent=2).encode()),
                                   (KEYRING, keyring)):
                    info = tarfile.TarInfo(name)
                    info.size, info.mode = len(data), 0o600
                    tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname=DUMP)

        partial = Path(work) / "backup.partial"
        with partial.open("wb") as sealed:
            _through_a_pipe(write_tar, lambda source: pyrage.encrypt_io(source, sealed, to))
        os.chmod(partial, 0o600)
        shutil.move(partial, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    retained_until = now + dt.timedelta(days=settings.BACKUP_RETENTION_DAYS)
    catalogue = {"file": path.name, "sha256": digest, "created_at": now.isoformat(),
                 "retained_until": retained_until.isoformat(), "key_ids": manifest["key_ids"],
                 "database": connection.vendor}
    path.with_name(path.name + ".json").write_text(json.dumps(catalogue, indent=2))
    return BackupFile(path=path, manifest=manifest)


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    counts: dict[str, int]


def _read_backup(path: Path, identity: str, work: Path) -> tuple[dict[str, Any], Keyring]:
    secret = next((line.strip() for line in identity.splitlines()
                   if line.strip().startswith("AGE-SECRET-KEY-")), "")
    try:
        ident = pyrage.x25519.Identity.from_str(secret)
    except pyrage.IdentityError as error:
        raise BackupError("The recovery key file does not hold an age secret key "
                          "(AGE-SECRET-KEY-1…).") from error
    found: dict[str, bytes] = {}

    def untar(source: IO[bytes]) -> None:
        with tarfile.open(fileobj=source, mode="r|gz") as tar:
            for member in tar:
                stream = tar.extractfile(member)
                if stream is None:
                    continue
                if member.name == DUMP:
                    with (work / DUMP).open("wb") as out:
                        shutil.copyfileobj(stream, out)
                elif member.name in {MANIFEST, KEYRING}:
                    found[member.name] = stream.read()

    with path.open("rb") as sealed:
        try:
            _through_a_pipe(lambda sink: pyrage.decrypt_io(sealed, sink, [ident]), untar)
        except pyrage.DecryptError as error:
            raise BackupError("This recovery key does not open the backup (another key, or "
                              "the file is damaged).") from error
    if set(found) != {MANIFEST, KEYRING} or not (work / DUMP).exists():
        raise BackupError("The backup is incomplete: manifest, keys or database missing.")
    keys_path = work / "keys.json"
    keys_path.write_bytes(found[KEYRING])
    return json.loads(found[MANIFEST]), read_key_file(keys_path)


def restore_backup(*, path: Path, identity: str, key_file: Path | None) -> Restored:
    """Restore into an empty database, put the backup's keys in `key_file` (when the keys come
    from a file), and check that every table has the rows the manifest counted."""
    if connection.introspection.table_names():
        raise BackupError("The database is not empty: restore into a new, empty database "
                          "(create it, point DATABASE_URL at it, run restore again).")
    with tempfile.TemporaryDirectory(prefix="safepassage-restore-") as folder:
        work = Path(folder)
        manifest, ring = _read_backup(path, identity, work)
        if manifest["database"] != connection.vendor:
            raise BackupError(f"This backup is of a {manifest['database']} database; "
                              f"DATABASE_URL points to {connection.vendor}.")
        if key_file is not None:
            if key_file.exists() and read_key_file(key_file) != ring:
                raise BackupError(f"{key_file} holds other keys: move it away first, so that "
                                  "no key is lost.")
            write_key_file(key_file, ring)
        _load_database(work / DUMP)
    load_keyring(reload=True)
    counts = table_counts()
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differ:
        raise BackupError(f"Row counts differ from the backup's (table: backup, restored): "
                          f"{differ}")
    return Restored(manifest=manifest, counts=counts)


def _load_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()
        result = subprocess.run(  # noqa: S603
            ["pg_restore",  # noqa: S607 "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", f"--dbname={settings.DATABASES['default']['NAME']}",
             str(dump)], env=_pg_environment(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
