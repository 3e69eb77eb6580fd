"""Upgrading a database made by an older pyjuju, in place, when the store opens."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from ..core.errors import StoreError
from . import schema

log = logging.getLogger(__name__)


def add_missing_columns(engine: sa.Engine) -> None:
    """Bring a database made by an older pyjuju up to the current tables.

    ``create_all`` only creates missing tables; a column added to an existing table
    since (always with a ``server_default``, or nullable) is added here, so an
    existing controller keeps its state across an upgrade."""
    inspector = sa.inspect(engine)
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for col in table.columns:
                if col.name in have:
                    continue
                if col.server_default is None and not col.nullable:
                    raise StoreError(f"cannot upgrade the store: column {table.name}.{col.name} has no default")
                ddl = sa.schema.CreateColumn(col).compile(dialect=engine.dialect)
                conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {ddl}")
                log.info("store upgraded: added column %s.%s", table.name, col.name)
