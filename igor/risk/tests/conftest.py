from __future__ import annotations

import pytest

from igor.api.tests.conftest import Api
from igor.api.tests.schema import openapi
from tests.personas import Personas, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture
def api(db: None) -> Api:
    """Calls the API with a user's token, checking every answer against the published schema."""
    return Api(openapi())
