"""Small model-field helpers."""

from __future__ import annotations

from typing import Any

from django.db import models


class SortableTextField(models.CharField):
    """A CharField with byte-order ("C") collation on PostgreSQL.

    With it a plain b-tree index serves both prefix search (LIKE 'abc%') and ORDER BY, whatever
    collation the database was created with. SQLite compares bytes already.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
