from __future__ import annotations

import pytest

from igor.tips.anonymity import limiter
from igor.tips.tests.make import TipWorld, make_tip_world
from tests.personas import Personas, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture
def world(personas: Personas) -> TipWorld:
    return make_tip_world(personas)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    limiter.clear()
