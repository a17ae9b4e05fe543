from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def module_db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """One transaction around a whole module, rolled back at its end.

    The matrix's rows are written once per module; each test's own writes (the `db` fixture)
    are savepoints inside it and are rolled back after the test, so tests stay independent.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
