"""Fixtures for the store tests: a fresh SQLite store per test and row builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pyjuju.store import (
    ApplicationRow,
    MachineRow,
    ModelRow,
    Store,
    UnitRow,
    open_store,
)

NOW = "2024-01-02T03:04:05.000000+00:00"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        yield s
    finally:
        s.close()


def model_row(uuid: str, name: str, **over: Any) -> ModelRow:
    fields: dict[str, Any] = dict(
        uuid=uuid, name=name, owner="admin", type="iaas", cloud="local", region="localhost",
        life="alive", revision=0, config={}, next_machine_id=0, created=NOW,
        status={"current": "available", "since": NOW},
    )
    fields.update(over)
    return ModelRow(**fields)


def app_row(model_uuid: str, name: str, **over: Any) -> ApplicationRow:
    fields: dict[str, Any] = dict(
        model_uuid=model_uuid, name=name, charm_url=f"local:{name}-0", life="alive",
        subordinate=False, config={}, config_version=1, charm_version=1, leader=None,
        leader_settings={}, leader_settings_version=0, status=None, exposed=False,
        next_unit=0, constraints="", created=NOW,
    )
    fields.update(over)
    return ApplicationRow(**fields)


def unit_row(model_uuid: str, name: str, **over: Any) -> UnitRow:
    app, _, num = name.partition("/")
    fields: dict[str, Any] = dict(
        model_uuid=model_uuid, name=name, application=app, number=int(num), machine_id=None,
        principal="", life="alive", workload_status={"current": "waiting", "since": NOW},
        agent_status={"current": "allocating", "since": NOW}, status_ever_set=False,
        workload_version="", opened_ports=[], state={}, resolved="", resolved_seq=0,
        commit_id="", created=NOW,
    )
    fields.update(over)
    return UnitRow(**fields)


def machine_row(model_uuid: str, machine_id: str, **over: Any) -> MachineRow:
    fields: dict[str, Any] = dict(
        model_uuid=model_uuid, id=machine_id, life="alive", instance_id="", hostname="",
        addresses=[], agent_status={"current": "pending"}, machine_status={"current": "pending"},
        constraints="", hardware="", base="ubuntu@22.04", created_for="", created=NOW,
    )
    fields.update(over)
    return MachineRow(**fields)


@pytest.fixture
def mk() -> SimpleNamespace:
    """Row builders: ``mk.model(uuid, name)``, ``mk.app``, ``mk.unit``, ``mk.machine``."""
    return SimpleNamespace(model=model_row, app=app_row, unit=unit_row, machine=machine_row)
