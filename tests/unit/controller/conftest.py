"""Fixtures for the controller tests: real store and hub, a fake substrate, charm archives."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fakehost import FakeHost

from pyjuju.charm import build_archive
from pyjuju.controller.hub import ChangeHub
from pyjuju.controller.services import models
from pyjuju.controller.services.base import Services
from pyjuju.store import ModelRow, open_store, schema

DEFAULT_CONFIG = {
    "options": {
        "port": {"type": "int", "default": 80, "description": "listen port"},
        "name": {"type": "string", "description": "no default"},
        "debug": {"type": "boolean", "default": False},
        "ratio": {"type": "float", "default": 0.5},
        "greeting": {"type": "string", "default": "hello"},
    }
}


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    store = open_store(f"sqlite:///{tmp_path / 'controller.db'}")
    hub = ChangeHub()
    store.add_listener(hub.publish)
    services = Services(
        store=store,
        hub=hub,
        data_dir=tmp_path / "data",
        controller_name="ctl",
        controller_uuid=str(uuid.uuid4()),
        cloud="local",
        region="localhost",
        host=FakeHost(),
    )
    try:
        yield services
    finally:
        store.close()


@pytest.fixture
def model(svc: Services) -> ModelRow:
    return models.add_model(svc, "default")


@pytest.fixture
def charm_bytes(tmp_path: Path) -> Callable[..., bytes]:
    """Build a real ``.charm`` archive and return its bytes."""
    counter = iter(range(1_000_000))

    def make(
        name: str = "mini",
        config: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        files: dict[str, str] | None = None,
    ) -> bytes:
        n = next(counter)
        root = tmp_path / f"charm-src-{n}"
        root.mkdir()
        md = {"name": name, "summary": "test charm", "description": "a charm for tests"}
        md.update(metadata or {})
        (root / "metadata.yaml").write_text(yaml.safe_dump(md))
        (root / "config.yaml").write_text(
            yaml.safe_dump(DEFAULT_CONFIG if config is None else config)
        )
        hooks = root / "hooks"
        hooks.mkdir()
        install = hooks / "install"
        install.write_text("#!/bin/sh\nexit 0\n")
        install.chmod(0o755)
        for rel, text in (files or {}).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return build_archive(root, tmp_path / f"charm-{n}.charm").read_bytes()

    return make


@pytest.fixture
def snapshot(svc: Services) -> Callable[[], dict[str, list[tuple[Any, ...]]]]:
    """Every row of every table, to prove that a failed call left nothing behind."""

    def take() -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {}
        with svc.store.engine.connect() as conn:
            for table in schema.metadata.sorted_tables:
                rows = conn.execute(sa.select(table)).all()
                out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
        return out

    return take
