"""The client's own YAML files beside ``controllers.yaml``: ``clouds.yaml`` and
``credentials.yaml`` (what ``add-cloud`` and ``add-credential`` write), and the host's base.

Several commands read them (bootstrap, add-model, credentials), so they live here
rather than with any one command.
"""

from __future__ import annotations

import os
import platform
from typing import Any

import yaml

from .clientstore import data_dir


def read(name: str) -> dict[str, Any]:
    """``name`` (a file of the client's data dir) as a mapping; empty when missing."""
    try:
        return yaml.safe_load((data_dir() / name).read_text()) or {}
    except FileNotFoundError:
        return {}


def write(name: str, doc: dict[str, Any], mode: int = 0o644) -> None:
    path = data_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(doc, f)


def client_credential(cloud: str, name: str) -> dict[str, Any] | None:
    """One credential from the client's credentials.yaml, or None."""
    creds = (read("credentials.yaml").get("credentials") or {}).get(cloud) or {}
    found = creds.get(name)
    return found if isinstance(found, dict) else None


def host_base() -> str:
    """``debian@12``: the base of this host, which local machines share."""
    try:
        osr = platform.freedesktop_os_release()
    except OSError:
        return ""
    return f'{osr.get("ID", "")}@{osr.get("VERSION_ID", "")}'
