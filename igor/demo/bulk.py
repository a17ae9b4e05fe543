"""Fast bulk inserts for demo data: rows as plain tuples, written with COPY or executemany.

bulk_create spends most of its time compiling SQL per row (about 0.2 ms per row), too slow for
a million persons. Here each value goes through the same conversions the model fields would
apply, and the database receives one statement per batch: COPY on PostgreSQL, executemany
elsewhere. A model with encrypted columns gets a fresh data key per row, and its values are
sealed for that row, exactly as a save would (igor.lib.crypto).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

from igor.lib.crypto import DATA_KEY_FIELD, encrypted_fields, new_data_key, seal

Convert = Callable[[Any], Any]


def _converter(field: models.Field[Any, Any]) -> Convert | None:
    postgres = connection.vendor == "postgresql"
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.DateTimeField):
        return None if postgres else _sqlite_datetime
    if isinstance(field, models.DateField):
        return None if postgres else connection.ops.adapt_datefield_value
    return None


def _sqlite_datetime(value: datetime.datetime) -> str:
    # What SQLite's adapt_datetimefield_value stores with USE_TZ (naive UTC text), without the
    # per-call settings lookups that cost more than the rest of a row.
    return str(value.astimezone(datetime.UTC).replace(tzinfo=None))


class Table:
    """Rows for one model's table, in its column order, converted as its fields would."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = list(model._meta.concrete_fields)
        self.model = model
        self.names = [f.attname for f in fields]
        self.converters = [
            (i, convert) for i, f in enumerate(fields) if (convert := _converter(f)) is not None
        ]
        # Values not given: the field's default (a callable one is called once), else the
        # empty value a form would store.
        self.defaults: dict[str, Any] = {f.attname: "" for f in fields if f.blank}
        self.defaults.update({f.attname: None for f in fields if f.null})
        self.defaults.update(
            {
                f.attname: f.default() if callable(f.default) else f.default
                for f in fields
                if f.default is not NOT_PROVIDED
            }
        )
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in fields)
        self.rows: list[tuple[Any, ...]] = []
        self.encrypted = [(self.names.index(f.attname), f.column) for f in encrypted_fields(model)]
        self.data_key_index = self.names.index(DATA_KEY_FIELD) if self.encrypted else -1

    def add(self, **values: Any) -> None:
        merged = {**self.defaults, **values}
        row = [merged[name] for name in self.names]
        for i, convert in self.converters:
            if row[i] is not None:
                row[i] = convert(row[i])
        if self.encrypted:
            self._seal(row)
        self.rows.append(tuple(row))

    def _seal(self, row: list[Any]) -> None:
        data_key = new_data_key()
        row[self.data_key_index] = data_key.stored
        table = self.model._meta.db_table
        for i, column in self.encrypted:
            if row[i]:  # empty text stays empty, as the field stores it
                row[i] = seal(str(row[i]), data_key, table=table, column=column)

    def flush(self) -> int:
        count = len(self.rows)
        if not count:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.names))
                # Table and column names come from the model, quoted; values are parameters.
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, self.rows)
        self.rows.clear()
        return count
