"""Fixtures shared by every unit test package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from inprocess import InProcessController


@pytest.fixture
def inprocess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessController]:
    """A real controller app over a temp SQLite store, registered as the current controller
    of a fresh client store (``$PYJUJU_DATA``); ``inprocess.cli(...)`` runs CLI commands on it."""
    from inprocess import InProcessController  # the controller's imports cost only its users

    from pyjuju.cli.clientstore import ClientStore

    monkeypatch.setenv("PYJUJU_DATA", str(tmp_path / "client"))
    ctl = InProcessController(tmp_path / "controller")
    ctl.register(ClientStore())
    try:
        yield ctl
    finally:
        ctl.close()
