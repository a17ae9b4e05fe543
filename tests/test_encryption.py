"""Encryption at rest: a data key per record, wrapped by a master key; values bound to their row.

The whole-database dump test is in test_encryption_dump.py; master-key rotation in igor/keys.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from igor.lib import crypto
from igor.lib.crypto import DecryptionError, EncryptionError, Sealed
from igor.people.models import Person
from tests.builders import make_person
from tests.personas import Personas

KEY_OLD = "old:" + base64.b64encode(b"o" * 32).decode()
KEY_NEW = "new:" + base64.b64encode(b"n" * 32).decode()
KEY_OLD_WRONG = "old:" + base64.b64encode(b"x" * 32).decode()
COLUMNS = ("phone", "email", "street_address", "postal_code", "city")


def _raw(person: Person, *columns: str) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM people_person WHERE id = %s",  # noqa: S608
            [person.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def _write_raw(person: Person, column: str, value: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE people_person SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, person.pk],
        )


def _fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def contact(personas: Personas) -> Person:
    return make_person(
        personas.social_a,
        phone="070-123 45 67",
        email="vera@example.se",
        street_address="Hemliga gatan 7",
        postal_code="118 20",
        city="Stockholm",
    )


# --- What is stored -----------------------------------------------------------------------------


def test_it_stores_each_value_sealed_under_the_rows_own_wrapped_data_key(contact: Person) -> None:
    raw = _raw(contact, *COLUMNS)
    for column, value in zip(COLUMNS, raw, strict=True):
        assert value.startswith("v2$"), column
        assert getattr(contact, column) not in value, column
    assert "Hemliga" not in "".join(raw) and "123 45" not in "".join(raw)
    (data_key,) = _raw(contact, "data_key")
    assert data_key.startswith("v2$dev$")  # wrapped by the master key named "dev"
    stored = _fresh(contact)
    assert (stored.phone, stored.street_address) == ("070-123 45 67", "Hemliga gatan 7")


def test_it_gives_every_row_its_own_data_key_and_every_value_a_fresh_nonce(
    personas: Personas,
) -> None:
    first = make_person(personas.social_a, phone="070-000 00 00")
    second = make_person(personas.social_a, phone="070-000 00 00")
    assert _raw(first, "phone") != _raw(second, "phone")
    assert _raw(first, "data_key") != _raw(second, "data_key")


def test_it_stores_empty_text_empty_and_gives_a_row_a_key_even_then(personas: Personas) -> None:
    person = make_person(personas.social_a)
    assert _raw(person, "phone", "city") == ("", "")
    assert _raw(person, "data_key")[0].startswith("v2$")


def test_it_never_repeats_a_nonce_in_a_hundred_thousand_values() -> None:
    data_key = crypto.new_data_key()
    nonces = {
        base64.b64decode(crypto.seal("x", data_key, table="t", column="c")[3:])[:12]
        for _ in range(100_000)
    }
    assert len(nonces) == 100_000


def test_it_keeps_an_untouched_value_as_it_was_when_another_field_is_saved(
    contact: Person,
) -> None:
    before = _raw(contact, *COLUMNS)
    person = _fresh(contact)
    person.first_name = "Vera"
    person.save()
    assert _raw(contact, *COLUMNS) == before
    person.phone = "08-999 99 99"
    person.save()
    assert _raw(contact, "phone") != before[:1]
    assert _fresh(contact).phone == "08-999 99 99"


def test_it_decrypts_lazily_and_reads_deferred_fields(contact: Person) -> None:
    person = Person.objects.only("first_name").get(pk=contact.pk)
    assert person.city == "Stockholm"
    assert Person.objects.defer("data_key").get(pk=contact.pk).email == "vera@example.se"


def test_it_writes_rows_made_with_bulk_create(personas: Personas, contact: Person) -> None:
    template = {
        f.attname: getattr(contact, f.attname)
        for f in Person._meta.concrete_fields
        if f.attname not in ("id", "data_key")
    }
    made = Person.objects.bulk_create(
        [Person(**{**template, "phone": f"070-555 00 0{i}"}) for i in range(3)]
    )
    phones = sorted(Person.objects.get(pk=p.pk).phone for p in made)
    assert phones == ["070-555 00 00", "070-555 00 01", "070-555 00 02"]


def test_it_gives_an_old_row_without_a_key_one_when_a_value_is_saved_with_update_fields(
    personas: Personas,
) -> None:
    person = make_person(personas.social_a)
    _write_raw(person, "data_key", None)
    loaded = _fresh(person)
    loaded.phone = "070-777 77 77"
    loaded.save(update_fields=["phone"])
    assert _raw(person, "data_key")[0].startswith("v2$")
    assert _fresh(person).phone == "070-777 77 77"


# --- Failing closed -----------------------------------------------------------------------------


def test_it_refuses_a_tampered_value_and_says_where_and_logs_it(
    contact: Person, caplog: pytest.LogCaptureFixture
) -> None:
    (stored,) = _raw(contact, "phone")
    raw = bytearray(base64.b64decode(stored[3:]))
    raw[-1] ^= 0x01
    _write_raw(contact, "phone", "v2$" + base64.b64encode(bytes(raw)).decode())
    person = _fresh(contact)
    with caplog.at_level(logging.ERROR, logger="igor.crypto"), pytest.raises(DecryptionError) as e:
        _ = person.phone
    assert f"people_person.phone of row {contact.pk}" in str(e.value)
    assert "does not authenticate" in str(e.value)
    assert "070-123" not in str(e.value)
    assert any("people_person.phone" in r.getMessage() for r in caplog.records)
    assert person.city == "Stockholm"  # the other values of the row are intact


def test_it_refuses_a_value_moved_to_another_column(contact: Person) -> None:
    (address,) = _raw(contact, "street_address")
    _write_raw(contact, "city", address)
    with pytest.raises(DecryptionError, match="people_person.city"):
        _ = _fresh(contact).city


def test_it_refuses_a_value_copied_from_another_row(personas: Personas, contact: Person) -> None:
    other = make_person(personas.social_a, phone="08-000 00 00")
    (phone,) = _raw(contact, "phone")
    _write_raw(other, "phone", phone)
    with pytest.raises(DecryptionError, match="does not authenticate"):
        _ = _fresh(other).phone


def test_it_refuses_to_let_two_rows_share_a_data_key(personas: Personas, contact: Person) -> None:
    other = make_person(personas.social_a, phone="08-000 00 00")
    with pytest.raises(IntegrityError), transaction.atomic():
        _write_raw(other, "data_key", _raw(contact, "data_key")[0])


def test_it_refuses_a_value_whose_row_lost_its_data_key(contact: Person) -> None:
    _write_raw(contact, "data_key", None)
    with pytest.raises(DecryptionError, match="the row has no data key"):
        _ = _fresh(contact).phone


def test_it_refuses_a_value_in_the_old_shared_key_format(contact: Person) -> None:
    _write_raw(contact, "phone", crypto.seal_legacy("070-1", "people.person.phone"))
    with pytest.raises(DecryptionError, match="v1 format"):
        _ = _fresh(contact).phone


def test_it_fails_closed_without_the_master_key_or_with_a_wrong_one(personas: Personas) -> None:
    with override_settings(MASTER_KEYS=KEY_OLD):
        person = make_person(personas.social_a, phone="08-111 11 11")
    assert _raw(person, "data_key")[0].startswith("v2$old$")
    with override_settings(MASTER_KEYS=KEY_NEW):
        with pytest.raises(DecryptionError, match="master key 'old', which is not in"):
            _ = _fresh(person).phone
    with override_settings(MASTER_KEYS=KEY_OLD_WRONG):
        with pytest.raises(DecryptionError, match="does not unwrap under master key 'old'"):
            _ = _fresh(person).phone
    with override_settings(MASTER_KEYS=f"{KEY_NEW},{KEY_OLD}"):
        assert _fresh(person).phone == "08-111 11 11"  # old keys still unwrap
        newer = make_person(personas.social_a, phone="08-222 22 22")
        assert _raw(newer, "data_key")[0].startswith("v2$new$")  # the first one wraps


def test_it_refuses_to_encrypt_outside_a_save(contact: Person) -> None:
    with pytest.raises(EncryptionError, match="people_person.phone"), transaction.atomic():
        Person.objects.filter(pk=contact.pk).update(phone="070-1")
    with pytest.raises(EncryptionError), transaction.atomic():
        list(Person.objects.filter(phone="070-123 45 67"))
    with pytest.raises(FieldError), transaction.atomic():
        list(Person.objects.filter(city__icontains="stock"))
    contact.phone = "070-2"
    with pytest.raises(EncryptionError), transaction.atomic():
        Person.objects.bulk_update([contact], ["phone"])
    assert Person.objects.filter(pk=contact.pk).exclude(phone="").count() == 1
    assert _fresh(contact).phone == "070-123 45 67"


def test_it_hands_out_sealed_values_from_values_queries_that_refuse_to_become_text(
    contact: Person,
) -> None:
    (phone,) = Person.objects.filter(pk=contact.pk).values_list("phone", flat=True)
    assert isinstance(phone, Sealed)
    assert repr(phone) == "<Sealed>"
    with pytest.raises(EncryptionError):
        str(phone)


# --- Master keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "must be 1-40 lowercase"),
        ("Upper:" + base64.b64encode(bytes(32)).decode(), "must be 1-40 lowercase"),
        ("k1:not base64!", "not valid base64"),
        ("k1:" + base64.b64encode(bytes(16)).decode(), "must be 32 bytes"),
        (f"{KEY_OLD},{KEY_OLD_WRONG}", "listed twice"),
    ],
)
def test_it_refuses_a_master_key_list_it_cannot_use(spec: str, message: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.parse_master_keys(spec)


def test_it_generates_master_keys_in_the_configured_format() -> None:
    line = crypto.generate_master_key("2026-11")
    parsed = crypto.parse_master_keys(f"{line},{KEY_OLD}")
    assert parsed.primary == "2026-11"
    assert len(parsed.keys["2026-11"]) == 32
    assert "o" * 8 not in repr(parsed)  # keys never appear in a repr


def test_no_code_uses_a_legacy_cipher_or_mode() -> None:
    """ASVS V11.3.2: AEAD only. Fernet is AES-128-CBC; CBC and ECB are not for our data."""
    root = Path(__file__).resolve().parent.parent / "igor"
    banned = ("Fernet", "MODE_CBC", "MODE_ECB", "modes.CBC", "modes.ECB", "modes.CTR")
    offenders = [
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in banned
        if name in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
