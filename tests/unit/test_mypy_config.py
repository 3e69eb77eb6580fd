"""The mypy configuration keeps the packages the issue names strict.

``strict = true`` belongs in the global section: mypy applies it to every
module even when a per-module override sets it. An override may relax single
flags for some module, but never for core, wire, charm or bundle.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path
from typing import Any

import pytest

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
MUST_BE_STRICT = ["pyjuju.core", "pyjuju.wire", "pyjuju.charm", "pyjuju.bundle"]


def _mypy_config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads(PYPROJECT.read_text())["tool"]["mypy"]
    return config


def _strict_flags() -> dict[str, bool]:
    """What ``--strict`` sets, flag by flag, in the installed mypy."""
    main = pytest.importorskip("mypy.main")
    _, _, assignments = main.define_options()
    return dict(assignments)


def _covers(pattern: str, package: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern.replace(".*", "*"))
               for name in (package, f"{package}.x", f"{package}.x.y"))


def test_strict_is_global() -> None:
    config = _mypy_config()
    assert config["strict"] is True
    assert config["files"] == ["src/pyjuju"]
    assert all("strict" not in o for o in config.get("overrides", []))


def test_no_override_relaxes_the_named_packages() -> None:
    strict = _strict_flags()
    for override in _mypy_config().get("overrides", []):
        patterns = override["module"] if isinstance(override["module"], list) else [override["module"]]
        relaxed = {k for k, v in override.items() if k in strict and v != strict[k]}
        hit = [p for p in MUST_BE_STRICT for pat in patterns if _covers(pat, p)]
        assert not (relaxed and hit), f"{patterns} relax {sorted(relaxed)} for {hit}"


def test_covers_matches_mypy_patterns() -> None:
    assert _covers("pyjuju.core.*", "pyjuju.core")
    assert _covers("pyjuju.*", "pyjuju.wire")
    assert not _covers("pyjuju.cli.*", "pyjuju.charm")
