"""`igor keys`: master-key rotation re-wraps every data key, restartably, audited, with a dry run."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from igor.audit.models import AuditEvent
from igor.audit.record import verify
from igor.keys import rotation
from igor.lib import crypto
from igor.people.models import Person
from tests.builders import make_person
from tests.personas import Personas

OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()


def _keys(*specs: str) -> Any:
    return override_settings(MASTER_KEYS=",".join(specs))


def _stored_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_key, phone FROM people_person ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _phones() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM people_person ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _keys_cmd(*args: str) -> str:
    out = io.StringIO()
    call_command("keys", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def under_old_key(personas: Personas) -> list[Person]:
    with _keys(OLD):
        return [make_person(personas.social_a, phone=f"070-100 00 0{i}") for i in range(5)]


def test_it_lists_without_changing_anything_on_a_dry_run(under_old_key: list[Person]) -> None:
    before, events = _stored_keys(), AuditEvent.objects.count()
    with _keys(NEW, OLD):
        out = _keys_cmd("rotate", "--dry-run")
    assert "dry run: nothing is changed" in out
    assert "people_person: old: 5" in out
    assert "data keys under other master keys: 5" in out
    assert _stored_keys() == before
    assert AuditEvent.objects.count() == events


def test_it_rewraps_every_data_key_under_the_new_master_key_and_audits_it(
    under_old_key: list[Person],
) -> None:
    phones = _phones()
    with _keys(NEW, OLD):
        out = _keys_cmd("rotate", "--batch-size", "2")
    assert "re-wrapped 5 data keys under new" in out
    assert "data keys under other master keys: 0" in out
    assert all(stored.startswith("v2$new$") for stored in _stored_keys())
    assert _phones() == phones  # the values are not touched, only their keys' wrapping
    with _keys(NEW):  # the old master key can go
        assert [Person.objects.get(pk=p.pk).phone for p in under_old_key] == [
            f"070-100 00 0{i}" for i in range(5)
        ]
    events = list(AuditEvent.objects.filter(object_type="data_keys").order_by("seq"))
    assert [e.data["rows"] for e in events] == [2, 2, 1]  # one event per batch
    assert events[0].actor_label == "igor keys rotate"
    assert events[0].data["from"] == {"old": 2} and events[0].data["to"] == "new"
    assert verify() == []


def test_it_carries_on_after_an_interrupted_run(
    under_old_key: list[Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real_rewrap = rotation.rewrap

    def dies_on_the_fourth(stored: str, master_key_id: str | None = None) -> str:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C, or the machine went down
        return real_rewrap(stored, master_key_id)

    monkeypatch.setattr(rotation, "rewrap", dies_on_the_fourth)
    with _keys(NEW, OLD):
        with pytest.raises(KeyboardInterrupt):
            _keys_cmd("rotate", "--batch-size", "2")
        # The first batch committed with its audit event; the broken one left nothing behind.
        assert sum(s.startswith("v2$new$") for s in _stored_keys()) == 2
        assert AuditEvent.objects.filter(object_type="data_keys").count() == 1
        monkeypatch.setattr(rotation, "rewrap", real_rewrap)
        out = _keys_cmd("rotate", "--batch-size", "2")
        assert "re-wrapped 3 data keys" in out
        assert "re-wrapped 0 data keys" in _keys_cmd("rotate")  # idempotent
    assert all(stored.startswith("v2$new$") for stored in _stored_keys())
    assert verify() == []


def test_it_fails_while_rows_stay_under_a_key_that_is_not_configured(
    under_old_key: list[Person],
) -> None:
    with _keys(NEW), pytest.raises(crypto.DecryptionError, match="'old', which is not in"):
        _keys_cmd("rotate")


def test_it_says_when_rows_are_still_under_another_key_after_the_run(
    personas: Personas, under_old_key: list[Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server still on the old primary key writes a row while the rotation runs.
    real_rotate = rotation.rotate

    def with_a_late_write(**kwargs: Any) -> dict[str, int]:
        done = real_rotate(**kwargs)
        with _keys(OLD, NEW):
            make_person(personas.social_a, phone="070-999")
        return done

    monkeypatch.setattr("igor.keys.management.commands.keys.rotate", with_a_late_write)
    with _keys(NEW, OLD), pytest.raises(CommandError, match="1 data keys are still under"):
        _keys_cmd("rotate")


def test_it_reports_status_and_generates_usable_keys(under_old_key: list[Person]) -> None:
    with _keys(OLD):
        out = _keys_cmd("status")
    assert "primary master key: old" in out and "people_person: old: 5" in out
    assert "people_person (phone, email, street_address, postal_code, city)" in out
    line = _keys_cmd("generate", "--id", "2027-01").strip()
    assert crypto.parse_master_keys(line).primary == "2027-01"
    with pytest.raises(CommandError, match="lowercase"):
        _keys_cmd("generate", "--id", "Bad Id")
    with pytest.raises(CommandError, match="at least 1"):
        _keys_cmd("rotate", "--batch-size", "0")


def test_it_finds_every_model_with_an_encrypted_field() -> None:
    labels = [model._meta.label for model in rotation.encrypted_models()]
    assert "people.Person" in labels
    for model in rotation.encrypted_models():
        assert model._meta.get_field(crypto.DATA_KEY_FIELD)
