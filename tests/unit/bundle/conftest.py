"""Fixtures for the bundle tests: the suite's bash charms copied next to a bundle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bundle_helpers import CHARMS, USED


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for name in USED:
        shutil.copytree(CHARMS / name, tmp_path / "charms" / name, symlinks=True)
    return tmp_path
