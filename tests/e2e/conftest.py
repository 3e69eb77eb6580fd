"""Fixtures: one real local controller per test session, a fresh model per test."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Juju

_counter = itertools.count()


@pytest.fixture(scope="session")
def controller() -> Iterator[Juju]:
    data = Path(tempfile.mkdtemp(prefix="pyjuju-e2e-"))
    name = f"e2e{os.getpid() % 100000}"
    juju = Juju(data, name)
    # Share the pack cache between runs so ops/charmhelpers wheels are fetched once.
    cache = Path(os.environ.get("PYJUJU_TEST_CACHE", Path.home() / ".cache" / "pyjuju-tests"))
    (data / "cache").mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    (data / "cache" / "pack").symlink_to(cache, target_is_directory=True)
    juju.cli("bootstrap", "local", name, model=False)
    try:
        yield juju
    finally:
        res = juju.cli("destroy-controller", name, "--no-prompt", model=False, check=False)
        if res.returncode != 0:
            juju.cli("kill-controller", name, "--no-prompt", model=False, check=False)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def juju(controller: Juju, request: pytest.FixtureRequest) -> Iterator[Juju]:
    name = f"t{next(_counter)}-{request.node.name[:20].lower().replace('_', '-').strip('-')}"
    name = "".join(c for c in name if c.isalnum() or c == "-").strip("-")
    controller.cli("add-model", name, "--no-switch", model=False)
    j = controller.with_model(name)
    try:
        yield j
    finally:
        j.cli("destroy-model", f"{controller.controller}:{name}", "--no-prompt", "--force",
              "--timeout", "120s", model=False, check=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def have_root_netns() -> bool:
    return os.geteuid() == 0 and subprocess.run(["ip", "netns", "list"], capture_output=True).returncode == 0
