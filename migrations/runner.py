"""Apply Alembic migrations from code, so ``berkas migrate`` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

import migrations
from infra.db import make_engine

SCRIPTS = Path(migrations.__file__).parent
# The revision that gave audit chains sealed heads: chains made before it are sealed by the
# migration run that applies it, and by no later one.
SEALS_REVISION = "0005"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def current_revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head", *, audit_key: bytes | None = None
            ) -> int:
    """Migrate to ``revision``. When this run applies :data:`SEALS_REVISION` and the audit
    key is given, seal the heads of the chains found (see :mod:`cases.audit_seal`); returns
    how many heads were sealed."""
    from cases.audit_seal import seal_unsealed

    before = current_revision(database_url)
    command.upgrade(alembic_config(database_url), revision)
    after = current_revision(database_url)
    crossed = (before is None or before < SEALS_REVISION) and (after or "") >= SEALS_REVISION
    if crossed and audit_key is not None:
        return seal_unsealed(database_url, audit_key)
    return 0
