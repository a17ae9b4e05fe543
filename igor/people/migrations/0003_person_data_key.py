"""Contact details move from one shared key (v1) to a data key per person (v2).

Each person gets a data key wrapped by the primary master key, and every v1 value is decrypted
with the old key (still listed in IGOR_MASTER_KEYS under its old id) and sealed again for its
row. Restartable: a row already converted is skipped. Reversible: back to v1 under the primary
master key.
"""

from typing import Any

from django.db import migrations

import igor.lib.crypto
from igor.lib.crypto import (
    Ciphertext,
    Sealed,
    new_data_key,
    open_data_key,
    open_legacy,
    seal,
    seal_legacy,
    unseal,
)

COLUMNS = ("phone", "email", "street_address", "postal_code", "city")
BATCH = 500


def _raw(value: Any) -> str:
    return value.text if isinstance(value, Sealed) else (value or "")


def _rows(Person: Any) -> Any:
    return Person.objects.order_by("pk").values_list("pk", "data_key", *COLUMNS).iterator(BATCH)


def to_row_keys(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    table = Person._meta.db_table
    for pk, data_key, *values in _rows(Person):
        raw = [_raw(value) for value in values]
        if data_key and not any(text.startswith("v1$") for text in raw):
            continue  # already converted
        key = new_data_key()
        changes: dict[str, Any] = {"data_key": key.stored}
        for column, text in zip(COLUMNS, raw, strict=True):
            if text:
                plain = open_legacy(text, f"people.person.{column}")
                changes[column] = seal(plain, key, table=table, column=column)
        Person.objects.filter(pk=pk).update(**changes)


def to_shared_key(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    table = Person._meta.db_table
    for pk, data_key, *values in _rows(Person):
        if not data_key:
            continue
        key = open_data_key(data_key)
        changes: dict[str, Any] = {"data_key": None}
        for column, value in zip(COLUMNS, values, strict=True):
            text = _raw(value)
            if text:
                plain = unseal(text, key, table=table, column=column)
                changes[column] = Ciphertext(seal_legacy(plain, f"people.person.{column}"))
        Person.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_person_scope_name_with_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="data_key",
            field=igor.lib.crypto.DataKeyField(editable=False, null=True, unique=True),
        ),
        migrations.RunPython(to_row_keys, to_shared_key, elidable=False),
    ]
