"""Shared fixtures: a migrated SQLite database per test, an injected clock, an API client."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from app import bootstrap, create_app
from cases.services.users import create_user
from infra.config import Settings
from infra.runtime import Runtime
from migrations.runner import upgrade
from tests.postgres import PostgresServer

if TYPE_CHECKING:
    from tests.api.helpers import Api
    from tests.web.helpers import Pages

# The PostgreSQL leg runs when this names a server (any database on it; tests make their own).
POSTGRES_URL = os.environ.get("BERKAS_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]
_COUNTER = itertools.count()

PASSWORD = "rahasia-uji-123"
SECRET = "test-secret-key-with-enough-length"
# The audit key of every test database's settings (derived from SECRET).
AUDIT_KEY = Settings(env="test", secret_key=SECRET).audit_seal_key


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and not POSTGRES_URL:
        raise pytest.UsageError("CI runs the PostgreSQL leg: set BERKAS_TEST_POSTGRES_URL")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


STAFF = (("rina", "officer"), ("fajar", "officer"), ("siti", "kabid"), ("ahmad", "kadis"),
         ("dewi", "treasurer"), ("fina", "finance"), ("audra", "auditor"), ("admin", "admin"))


def _add_staff(url: str) -> None:
    """Hashing six argon2 passwords per test would dominate the suite's time: once per template."""
    settings = Settings(env="test", database_url=url, secret_key=SECRET)
    runtime = Runtime.build(settings, FakeClock(datetime(2026, 1, 2, tzinfo=UTC)))
    staff = People(runtime)
    for username, role in STAFF:
        staff.add(username, role)
    runtime.engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the staff; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "berkas.db"
    url = f"sqlite:///{path}"
    upgrade(url, audit_key=AUDIT_KEY)
    _add_staff(url)
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresServer]:
    """A migrated PostgreSQL database with the staff; each test gets a clone of it."""
    server = PostgresServer(POSTGRES_URL)
    template = server.create(f"berkas_tpl_{os.getpid()}")
    upgrade(template, audit_key=AUDIT_KEY)
    _add_staff(template)
    yield server
    server.drop(f"berkas_tpl_{os.getpid()}")
    server.engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, migrated_template: Path, tmp_path: Path
           ) -> Iterator[str]:
    """A fresh, migrated database with the staff, on each backend in turn."""
    if request.param == "sqlite":
        target = tmp_path / "berkas.db"
        shutil.copy(migrated_template, target)
        yield f"sqlite:///{target}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_template")
    name = f"berkas_t_{os.getpid()}_{next(_COUNTER)}"
    yield server.create(name, template=f"berkas_tpl_{os.getpid()}")
    server.drop(name)


@pytest.fixture
def clock() -> FakeClock:
    # Wednesday 4 February 2026, 09.00 WITA: the day of the rakor.
    return FakeClock(datetime(2026, 2, 4, 1, 0, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str) -> Settings:
    # The scheduler is off: tests run the sweep themselves, at the clock's time.
    return Settings(env="test", database_url=db_url, secret_key=SECRET,
                    max_upload_bytes=64 * 1024, scheduler=False)


@pytest.fixture
def runtime(settings: Settings, clock: FakeClock) -> Iterator[Runtime]:
    rt = bootstrap(settings, clock)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


@dataclass
class People:
    """Users of every role, created through the service layer."""

    runtime: Runtime

    def add(self, username: str, *roles: str) -> None:
        with self.runtime.sessions() as session:
            create_user(session, username=username, full_name=username.title(),
                        email=f"{username}@example.test", roles=roles, password=PASSWORD,
                        now=self.runtime.clock())


@pytest.fixture
def people(runtime: Runtime) -> People:
    """The staff of :data:`STAFF` (already in every test database) and a way to add more."""
    return People(runtime)


@pytest.fixture
def api(client: TestClient, people: People) -> Api:
    """A client that logs in as any of the staff."""
    from tests.api.helpers import Api  # the helpers import this module's constants

    return Api(client)


@pytest.fixture
def browser_for(settings: Settings, clock: FakeClock, people: People
                ) -> Iterator[Callable[[str], Pages]]:
    """A fresh cookie jar per person, logged in on the pages."""
    from tests.web.helpers import Pages  # the helpers import this module's constants

    app = create_app(settings, clock)
    clients: list[TestClient] = []

    def make(username: str) -> Pages:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        pages = Pages(client)
        assert pages.login(username).status_code == 303
        return pages

    yield make
    for client in clients:
        client.__exit__(None, None, None)
