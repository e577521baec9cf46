from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import Api
from tests.conftest import People


@pytest.fixture
def api(client: TestClient, people: People) -> Api:
    return Api(client)
