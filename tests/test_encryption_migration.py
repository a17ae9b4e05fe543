"""The migration from one shared key (v1) to a data key per person (v2), both ways."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from igor.lib.crypto import open_legacy, parse_master_keys
from igor.people.models import Person
from tests.builders import make_person
from tests.personas import Personas

BEFORE = "0002_person_scope_name_with_id"
COLUMNS = ("phone", "email", "street_address", "postal_code", "city")


@pytest.fixture
def migrated_back(committed_db: None) -> Iterator[None]:
    """Migrations need committed schema changes; the latest schema is restored afterwards."""
    try:
        yield
    finally:
        call_command("migrate", verbosity=0)


def _raw(pk: int) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM people_person WHERE id = %s",  # noqa: S608
            [pk],
        )
        row = cursor.fetchone()
    return tuple(row)


def _as_the_old_code_wrote_it(plaintext: str, column: str) -> str:
    """v1 exactly as the shared-key field stored it: key id, nonce, ciphertext, tag."""
    masters = parse_master_keys(str(settings.MASTER_KEYS))
    nonce = os.urandom(12)
    sealed = AESGCM(masters.keys["dev"]).encrypt(
        nonce, plaintext.encode(), f"people.person.{column}".encode()
    )
    return f"v1$dev${base64.b64encode(nonce + sealed).decode()}"


def test_it_converts_contact_details_to_row_keys_and_back(
    migrated_back: None, personas: Personas
) -> None:
    vera = make_person(
        personas.social_a,
        phone="070-123 45 67",
        email="vera@example.se",
        street_address="Hemliga gatan 7",
        city="Stockholm",
    )
    empty = make_person(personas.social_a)

    call_command("migrate", "people", BEFORE, verbosity=0)  # back to one shared key
    raw = _raw(vera.pk)
    assert all(value.startswith("v1$dev$") for value in raw if value)
    assert open_legacy(raw[0], "people.person.phone") == "070-123 45 67"
    assert _raw(empty.pk) == ("", "", "", "", "")
    with connection.cursor() as cursor:  # a value the old code wrote
        cursor.execute(
            "UPDATE people_person SET postal_code = %s WHERE id = %s",
            [_as_the_old_code_wrote_it("118 20", "postal_code"), vera.pk],
        )

    call_command("migrate", "people", verbosity=0)  # forward: a data key per person
    assert all(value.startswith("v2$") for value in _raw(vera.pk) if value)
    stored = Person.objects.get(pk=vera.pk)
    assert (stored.phone, stored.email, stored.street_address, stored.postal_code, stored.city) == (
        "070-123 45 67",
        "vera@example.se",
        "Hemliga gatan 7",
        "118 20",
        "Stockholm",
    )
    assert Person.objects.get(pk=empty.pk).data_key  # every row has a key now
