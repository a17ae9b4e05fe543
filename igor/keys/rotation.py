"""Master-key rotation: re-wrap every record's data key under the primary master key.

The values themselves are not touched: each row's data key stays the same, only its wrapping
changes. Work goes in batches, each one transaction with its audit event, so an interrupted run
loses nothing and the next run carries on with the rows still under other keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction

from igor.audit.record import record
from igor.lib.crypto import (
    DATA_KEY_FIELD,
    FORMAT,
    encrypted_fields,
    master_key_id_of,
    master_keys,
    rewrap,
)

ACTOR_LABEL = "igor keys rotate"


def encrypted_models() -> list[type[models.Model]]:
    """Every installed model with an encrypted column, in a stable order."""
    found = [model for model in apps.get_models() if encrypted_fields(model)]
    return sorted(found, key=lambda model: model._meta.label)


@dataclass
class TableKeys:
    """How many rows of one table have their data key under each master key."""

    label: str
    table: str
    columns: list[str]
    by_master_key: Counter[str] = field(default_factory=Counter)
    without_key: int = 0

    def not_under(self, primary: str) -> int:
        return sum(count for key_id, count in self.by_master_key.items() if key_id != primary)


def key_status() -> list[TableKeys]:
    result = []
    for model in encrypted_models():
        columns = [f.column for f in encrypted_fields(model)]
        entry = TableKeys(model._meta.label, model._meta.db_table, columns)
        stored_keys = model._base_manager.values_list(DATA_KEY_FIELD, flat=True)
        for stored in stored_keys.iterator(chunk_size=5000):
            if stored:
                entry.by_master_key[master_key_id_of(stored)] += 1
            else:
                entry.without_key += 1
        result.append(entry)
    return result


def _to_rewrap(model: type[models.Model], primary: str) -> models.QuerySet[Any]:
    # Key ids are lowercase, so this prefix test is exact on SQLite's case-blind LIKE too.
    return model._base_manager.filter(**{f"{DATA_KEY_FIELD}__isnull": False}).exclude(
        **{f"{DATA_KEY_FIELD}__startswith": f"{FORMAT}${primary}$"}
    )


def rotate(
    *, batch_size: int = 500, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Re-wrap all data keys under the primary master key; rows re-wrapped per model label."""
    primary = master_keys().primary
    done: dict[str, int] = {}
    for model in encrypted_models():
        label = model._meta.label
        done[label] = 0
        last_pk: Any = None
        while True:
            count, last_pk = _rotate_batch(model, primary, batch_size, last_pk)
            if not count:
                break
            done[label] += count
            if progress:
                progress(label, done[label])
    return done


def _rotate_batch(
    model: type[models.Model], primary: str, batch_size: int, after_pk: Any
) -> tuple[int, Any]:
    with transaction.atomic():
        rows = _to_rewrap(model, primary).order_by("pk")
        if after_pk is not None:
            rows = rows.filter(pk__gt=after_pk)
        batch = list(rows.select_for_update().values_list("pk", DATA_KEY_FIELD)[:batch_size])
        if not batch:
            return 0, after_pk
        old_keys: Counter[str] = Counter()
        for pk, stored in batch:
            old_keys[master_key_id_of(stored)] += 1
            # Compare and swap: a row whose key changed meanwhile is left for the next run.
            model._base_manager.filter(pk=pk, **{DATA_KEY_FIELD: stored}).update(
                **{DATA_KEY_FIELD: rewrap(stored)}
            )
        record(
            actor=None,
            actor_label=ACTOR_LABEL,
            verb="update",
            object_type="data_keys",
            purpose="master key rotation",
            data={
                "table": model._meta.db_table,
                "rows": len(batch),
                "from": dict(sorted(old_keys.items())),
                "to": primary,
                "first_pk": str(batch[0][0]),
                "last_pk": str(batch[-1][0]),
            },
        )
        return len(batch), batch[-1][0]
