"""The mypy configuration holds the packages the issue names to everything --strict checks.

mypy applies ``strict = true`` to every module when a per-module section sets
it, so pyproject.toml spells out the per-module flags --strict turns on. This
keeps that list in step with the installed mypy's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
GLOBAL_ONLY = {"warn_redundant_casts", "warn_unused_ignores"}
MUST_BE_STRICT = {"pyjuju.core.*", "pyjuju.wire.*", "pyjuju.charm.*", "pyjuju.bundle.*"}


def _mypy_config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads(PYPROJECT.read_text())["tool"]["mypy"]
    return config


def _strict_flags() -> dict[str, bool]:
    main = pytest.importorskip("mypy.main")
    _, _, assignments = main.define_options()
    return dict(assignments)


def test_strict_override_sets_every_per_module_strict_flag() -> None:
    config = _mypy_config()
    strict = [o for o in config["overrides"] if o.get("disallow_untyped_defs")]
    assert len(strict) == 1
    flags = {k: v for k, v in strict[0].items() if k != "module"}
    expected = {k: v for k, v in _strict_flags().items() if k not in GLOBAL_ONLY}
    assert flags == expected
    assert MUST_BE_STRICT <= set(strict[0]["module"])


def test_global_section_sets_the_global_strict_flags() -> None:
    config = _mypy_config()
    assert GLOBAL_ONLY <= set(_strict_flags())
    assert all(config.get(flag) is True for flag in GLOBAL_ONLY)
    assert config["check_untyped_defs"] is True


def test_no_section_sets_strict() -> None:
    config = _mypy_config()
    assert "strict" not in config
    assert all("strict" not in o for o in config["overrides"])
