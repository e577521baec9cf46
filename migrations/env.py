"""Alembic environment: the URL comes from the caller's config or BERKAS_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlmodel import SQLModel

import cases.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import notifications.models  # noqa: F401
from infra.db import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get(
    "BERKAS_DATABASE_URL", "sqlite:///./berkas.db"
)


def run() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
