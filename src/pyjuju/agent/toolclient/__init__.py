"""The hook-tool executables and their wire format.

``client.py`` is the one script every tool name on a hook's ``PATH`` points
to; :func:`install_tools` puts it (with an absolute interpreter path, so no
version-manager shim runs on the hot path) and the symlinks into a unit's
tools directory. ``protocol.py`` is the agent's side of the framing.

Stdlib only: the machine agent imports this to install tools, and the
client must never depend on it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["CLIENT_NAME", "TOOL_NAMES", "install_tools"]

CLIENT_NAME = "hooktool"

# Every tool the server implements (pyjuju.agent.hooks.tools.COMMANDS); a
# unit test keeps the two in step.
TOOL_NAMES: tuple[str, ...] = (
    "action-fail",
    "action-get",
    "action-log",
    "action-set",
    "application-version-set",
    "close-port",
    "config-get",
    "goal-state",
    "is-leader",
    "juju-log",
    "leader-get",
    "leader-set",
    "network-get",
    "open-port",
    "opened-ports",
    "relation-get",
    "relation-ids",
    "relation-list",
    "relation-model-get",
    "relation-set",
    "resource-get",
    "secret-add",
    "secret-get",
    "secret-grant",
    "secret-ids",
    "secret-info-get",
    "secret-remove",
    "secret-revoke",
    "secret-set",
    "state-delete",
    "state-get",
    "state-set",
    "status-get",
    "status-set",
    "storage-add",
    "storage-get",
    "storage-list",
    "unit-get",
)


def _client_script(python: str) -> str:
    source = Path(__file__).with_name("client.py").read_text(encoding="utf-8")
    if source.startswith("#!"):
        source = source.split("\n", 1)[1]
    return f"#!{python} -S\n{source}"


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Create ``path`` atomically (hooks of other units may be running these tools)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists() or tmp.is_symlink():
            tmp.unlink()


def install_tools(tools_dir: Path, python: str, names: Iterable[str] = TOOL_NAMES) -> None:
    """Write ``hooktool`` (``#!<python> -S``, mode 0755) and one symlink per tool name.

    Idempotent: unchanged files and correct links are left alone, stale ones replaced.
    """
    tools_dir = Path(tools_dir)
    tools_dir.mkdir(parents=True, exist_ok=True)
    script = _client_script(python)
    target = tools_dir / CLIENT_NAME
    try:
        current = target.read_text(encoding="utf-8") if not target.is_symlink() else None
    except OSError:
        current = None
    if current != script:

        def write_script(tmp: Path) -> None:
            tmp.write_text(script, encoding="utf-8")
            tmp.chmod(0o755)

        _replace(target, write_script)
    elif target.stat().st_mode & 0o777 != 0o755:
        target.chmod(0o755)
    for name in names:
        if not name or "/" in name or name == CLIENT_NAME:
            raise ValueError(f"invalid tool name {name!r}")
        link = tools_dir / name
        if link.is_symlink() and os.readlink(link) == CLIENT_NAME:
            continue
        _replace(link, lambda tmp: tmp.symlink_to(CLIENT_NAME))
