"""charmcraft's ``uv`` plugin, run on this host: ``src/``, ``lib/``, ``venv/`` and ``dispatch``.

``charmcraft init`` makes projects that build with uv: their dependencies are
pinned in ``uv.lock``. The plugin puts the charm's ``src/`` and ``lib/`` into
the charm with its locked dependencies. Here, with ``uv`` on ``PATH``, the
lock is exported (``uv export --frozen --no-dev``, plus ``uv-extras`` and
``uv-groups``) and installed with pip into ``venv/``, so the charm gets
exactly the pinned versions; ``uv.lock`` must exist then, as charmcraft
requires. Without uv, the ``[project] dependencies`` of ``pyproject.toml``
(and the extras and groups asked for) are installed with pip instead, and
the pack says so, since versions may then differ from the lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._common import charm_error
from .charmcraft import CHARMCRAFT_FILE
from .charmplugin import Deps, copy_tree, install_dependencies, write_dispatch
from .parts import PartSpec, UvOptions

__all__ = ["build_uv_part"]

ENTRYPOINT = "src/charm.py"
_EXPORT = ".pyjuju-uv-requirements.txt"
_TAIL_LINES = 15


def build_uv_part(part: PartSpec, build: Path, install: Path, *, python: str,
                  cache_dir: Path | None, say: Callable[[str], None]) -> None:
    """The uv plugin's build step.

    Raises:
        CharmError: no ``pyproject.toml``, no ``uv.lock`` (with uv), uv or
            pip failed, or an extra or group is not declared.
    """
    options = part.uv or UvOptions()
    if not (build / "pyproject.toml").is_file():
        raise charm_error(CHARMCRAFT_FILE, part.field("source"),
                          "no pyproject.toml in the part's source: the uv plugin builds from it")
    for name in ("src", "lib"):
        if (build / name).is_dir():
            copy_tree(build / name, install / name)
    uv = shutil.which("uv")
    deps = _exported(part, options, build, uv) if uv else _declared(part, options, build, say)
    venv = install / "venv"
    install_dependencies(deps, build, venv, python, cache_dir, say)
    if not options.keep_bins:
        shutil.rmtree(venv / "bin", ignore_errors=True)
    if (install / ENTRYPOINT).is_file():
        write_dispatch(install, ENTRYPOINT, say)


def _exported(part: PartSpec, options: UvOptions, build: Path, uv: str) -> Deps:
    if not (build / "uv.lock").is_file():
        raise charm_error(CHARMCRAFT_FILE, part.field("plugin"),
                          "uv.lock not found in the part's source: the uv plugin installs what it pins "
                          "(run `uv lock` in the project)")
    cmd = [uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes",
           "--format", "requirements-txt", "--output-file", _EXPORT]
    for extra in options.extras:
        cmd += ["--extra", extra]
    for group in options.groups:
        cmd += ["--group", group]
    result = subprocess.run(cmd, cwd=build, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise charm_error(CHARMCRAFT_FILE, part.field("plugin"),
                          f"uv export failed (exit {result.returncode}):\n" + "\n".join(lines[-_TAIL_LINES:]))
    exported = build / _EXPORT
    return Deps("uv.lock", "", ("-r", _EXPORT), b"uv\0" + exported.read_bytes())


def _declared(part: PartSpec, options: UvOptions, build: Path, say: Callable[[str], None]) -> Deps | None:
    say("uv is not installed here: installing pyproject.toml's dependencies with pip "
        "(versions may differ from uv.lock; install uv to get exactly those)")
    try:
        doc: dict[str, Any] = tomllib.loads((build / "pyproject.toml").read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise charm_error("pyproject.toml", "", f"invalid TOML: {exc}") from None
    project = doc.get("project") or {}
    wanted: list[str] = list(_strings(project.get("dependencies") or [], "project.dependencies"))
    optional = project.get("optional-dependencies") or {}
    groups = doc.get("dependency-groups") or {}
    for extra in options.extras:
        if extra not in optional:
            raise charm_error(CHARMCRAFT_FILE, part.field("uv-extras"),
                              f'extra "{extra}" is not in pyproject.toml\'s [project.optional-dependencies]')
        wanted += _strings(optional[extra], f"project.optional-dependencies.{extra}")
    for group in options.groups:
        if group not in groups:
            raise charm_error(CHARMCRAFT_FILE, part.field("uv-groups"),
                              f'group "{group}" is not in pyproject.toml\'s [dependency-groups]')
        wanted += _strings(groups[group], f"dependency-groups.{group}")
    if not wanted:
        return None
    return Deps("pyproject.toml", "project.dependencies", tuple(wanted), "\0".join(wanted).encode())


def _strings(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise charm_error("pyproject.toml", field, "expected a list of requirement strings")
    return list(value)
