"""Fixtures for the charm package tests: small charms written into tmp_path."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).parent / "data"


def write_tree(root: Path, files: dict) -> Path:
    """Write ``{relative path: content}`` under ``root``.

    Content is text or bytes; a dict is dumped as YAML; ``None`` makes a
    directory; ``("link", target)`` makes a symlink. A name ending in ``*`` is
    written executable (the ``*`` is dropped).
    """
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        executable = name.endswith("*")
        path = root / name.rstrip("*")
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir(exist_ok=True)
        elif isinstance(content, tuple):
            os.symlink(content[1], path)
        elif isinstance(content, dict):
            path.write_text(yaml.safe_dump(content, sort_keys=False))
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        if executable:
            path.chmod(0o755)
    return root


@pytest.fixture
def tree() -> Callable[[Path, dict], Path]:
    return write_tree


@pytest.fixture
def mini_source(tmp_path: Path) -> Path:
    """A copy of data/mini-source that a test may modify."""
    return Path(shutil.copytree(DATA / "mini-source", tmp_path / "mini-source"))
