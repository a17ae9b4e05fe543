"""No plaintext of any encrypted field anywhere in the database.

The test finds every EncryptedTextField on every installed model by itself, so fields added by
any app are covered the moment they exist. It loads the demo data, writes a distinct marker into
every such field of rows of every such model (building a minimal row where the demo made none),
reads each marker back through the model, and then reads the whole database as an attacker with
a copy would: on SQLite the bytes of a page-for-page copy of the database file and its SQL dump,
on PostgreSQL the output of pg_dump and a read of every row of every table. No marker may appear.
"""

from __future__ import annotations

import datetime
import decimal
import os
import secrets
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from igor.keys.rotation import encrypted_models
from igor.lib.crypto import DATA_KEY_FIELD, encrypted_fields
from igor.people.actions import register_person

ROWS_PER_MODEL = 3

# --- Rows to write into -------------------------------------------------------------------------


def _related_row(model: type[models.Model], depth: int) -> models.Model:
    existing = model._base_manager.order_by("pk").first()
    return existing if existing is not None else _build(model, depth + 1)


def _simple_value(field: models.Field[Any, Any]) -> Any:
    if field.choices:
        values = [value for value, _ in field.flatchoices if value not in ("", None)]
        return values[0]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return 1
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return datetime.time(12, 0)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(days=1)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b"\x00"
    if isinstance(field, (models.CharField, models.TextField)):
        return secrets.token_hex(4)[: field.max_length or 8]
    raise AssertionError(f"no sample value for {field.model._meta.label}.{field.name}")


def _build(model: type[models.Model], depth: int = 0) -> models.Model:
    """A minimal row: required fields get a plain value, foreign keys an existing row."""
    assert depth < 6, f"{model._meta.label}: foreign keys nest too deep to build a sample row"
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name == DATA_KEY_FIELD or field.generated:
            continue
        if field.null or field.has_default():
            continue
        if field.is_relation:
            assert field.related_model is not None
            related = field.related_model
            values[field.name] = _related_row(related, depth)  # type: ignore[arg-type]
        elif field.blank and isinstance(field, (models.CharField, models.TextField)):
            continue
        else:
            values[field.name] = _simple_value(field)
    row = model(**values)
    try:
        with transaction.atomic():
            row.save()
    except DatabaseError as exc:
        pytest.fail(
            f"{model._meta.label}: a minimal sample row breaks a constraint ({exc}). Let the demo "
            "data (igor demo) create rows of it, and this test will write into those."
        )
    return row


def _rows(model: type[models.Model]) -> list[models.Model]:
    rows = list(model._base_manager.order_by("pk")[:ROWS_PER_MODEL])
    return rows or [_build(model)]


# --- Markers ------------------------------------------------------------------------------------


def _marker(label: str, field: str, row: int) -> str:
    # Distinct per field and row; letters a normaliser would keep, and no common words.
    return f"Qzx{secrets.token_hex(6)}{label.replace('.', '')}{field.replace('_', '')}{row}Vq"


def _write_markers() -> dict[str, str]:
    written: dict[str, str] = {}
    for model in encrypted_models():
        names = [f.attname for f in encrypted_fields(model)]
        for index, row in enumerate(_rows(model)):
            for name in names:
                marker = _marker(model._meta.label_lower, name, index)
                setattr(row, name, marker)
                written[marker] = f"{model._meta.db_table}.{name}"
            row.save(update_fields=names)
    return written


def _write_markers_through_an_action(written: dict[str, str]) -> None:
    """Contact details as the registration page writes them, audit event included."""
    from igor.accounts.models import User

    actor = User.objects.filter(organisation__isnull=False, units__isnull=False).first()
    assert actor is not None
    details: dict[str, Any] = {"first_name": "Dump", "last_name": "Marker", "identity_kind": "none"}
    for name in ("phone", "email", "street_address", "postal_code", "city"):
        marker = _marker("action", name, 0)
        details[name] = marker
        written[marker] = f"people_person.{name} (through register_person)"
    register_person(actor=actor, unit=actor.units.first(), details=details)


def _assert_markers_read_back(written: dict[str, str]) -> None:
    found: set[str] = set()
    for model in encrypted_models():
        for row in model._base_manager.all():
            found.update(getattr(row, f.attname) for f in encrypted_fields(model))
    missing = [where for marker, where in written.items() if marker not in found]
    assert not missing, f"markers that did not read back: {missing}"


# --- The database as bytes ----------------------------------------------------------------------


def _sqlite_copies(tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    copy = tmp_path / "copy.sqlite3"
    target = sqlite3.connect(copy)
    connection.ensure_connection()
    connection.connection.backup(target)  # page for page, free pages included
    yield "SQLite database file", copy.read_bytes()
    yield "SQLite SQL dump", "\n".join(target.iterdump()).encode()
    target.close()


def _postgres_copies() -> Iterator[tuple[str, bytes]]:
    settings = connection.settings_dict
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, (
        "pg_dump is needed to check the PostgreSQL dump (apt-get install postgresql-client)"
    )
    env = {**os.environ, "PGPASSWORD": str(settings.get("PASSWORD") or "")}
    command = [
        pg_dump,
        "--no-owner",
        "--host",
        str(settings.get("HOST") or "127.0.0.1"),
        "--port",
        str(settings.get("PORT") or 5432),
        "--username",
        str(settings.get("USER") or "postgres"),
        str(settings["NAME"]),
    ]
    dump = subprocess.run(command, env=env, capture_output=True, check=True, timeout=300)  # noqa: S603
    yield "pg_dump", dump.stdout


def _every_row_of_every_table() -> bytes:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            # Names come from the database's own catalogue.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts).encode()


def _leaks(copies: list[tuple[str, bytes]], written: dict[str, str]) -> list[str]:
    leaks = []
    for name, content in copies:
        lowered = content.lower()
        for marker, where in written.items():
            # The random middle of the marker alone would do; the whole marker, any case, too.
            core = marker[3:15].lower().encode()
            if marker.lower().encode() in lowered or core in lowered:
                leaks.append(f"{where} found in the {name}")
    return leaks


def test_no_plaintext_of_any_encrypted_field_is_in_the_database(
    committed_db: None, tmp_path: Path
) -> None:
    call_command("demo", "--persons", "30", "--seed", "3", "--no-users", verbosity=0)
    covered = {
        f"{model._meta.db_table}.{f.column}"
        for model in encrypted_models()
        for f in encrypted_fields(model)
    }
    assert {"people_person.phone", "people_person.street_address"} <= covered

    written = _write_markers()
    _write_markers_through_an_action(written)
    assert {where for where in written.values() if "(" not in where} == covered
    _assert_markers_read_back(written)

    copies = [("full read of every table", _every_row_of_every_table())]
    if connection.vendor == "sqlite":
        copies.extend(_sqlite_copies(tmp_path))
    else:
        copies.extend(_postgres_copies())
    assert all(content for _, content in copies)
    assert _leaks(copies, written) == []


def test_the_leak_scan_finds_a_marker_stored_in_plaintext() -> None:
    written = {"QzxAbCdEf012345people": "t.c"}
    assert _leaks([("dump", b"...qzxabcdef012345PEOPLE...")], written) == ["t.c found in the dump"]
    assert _leaks([("dump", b"...AbCdEf012345...")], written) == ["t.c found in the dump"]
    assert _leaks([("dump", b"v2$Zm9vYmFy")], written) == []
