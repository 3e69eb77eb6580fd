"""The client's own records: known controllers, their credentials, current models.

Kept in Juju's file names under ``$PYJUJU_DATA`` (default
``~/.local/share/pyjuju``): ``controllers.yaml``, ``accounts.yaml`` (0600:
it holds bearer tokens) and ``models.yaml``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import ControllerNotFoundError


def data_dir() -> Path:
    env = os.environ.get("PYJUJU_DATA")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "pyjuju"


class ClientStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or data_dir()

    # -- files -------------------------------------------------------------------
    def _read(self, name: str) -> dict[str, Any]:
        try:
            return yaml.safe_load((self.root / name).read_text()) or {}
        except FileNotFoundError:
            return {}

    def _write(self, name: str, data: dict[str, Any], mode: int = 0o644) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / name
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w") as f:
            yaml.safe_dump(data, f, default_flow_style=False)
        os.chmod(tmp, mode)
        os.replace(tmp, path)

    # -- controllers -------------------------------------------------------------
    def controllers(self) -> dict[str, dict[str, Any]]:
        return dict(self._read("controllers.yaml").get("controllers") or {})

    def current_controller(self) -> str | None:
        return self._read("controllers.yaml").get("current-controller")

    def controller(self, name: str | None = None) -> tuple[str, dict[str, Any]]:
        name = name or self.current_controller()
        if not name:
            raise ControllerNotFoundError(
                "No controllers registered.\n\nPlease either create a new controller using "
                '"pyjuju bootstrap local" or connect to another controller.'
            )
        ctl = self.controllers().get(name)
        if ctl is None:
            raise ControllerNotFoundError(f"controller {name} not found", controller=name)
        return name, ctl

    def add_controller(self, name: str, info: dict[str, Any], token: str, switch: bool) -> None:
        data = self._read("controllers.yaml")
        data.setdefault("controllers", {})[name] = info
        if switch or not data.get("current-controller"):
            data["current-controller"] = name
        self._write("controllers.yaml", data)
        acct = self._read("accounts.yaml")
        acct.setdefault("controllers", {})[name] = {"user": "admin", "token": token}
        self._write("accounts.yaml", acct, mode=0o600)

    def update_controller(self, name: str, **fields: Any) -> None:
        data = self._read("controllers.yaml")
        data.setdefault("controllers", {}).setdefault(name, {}).update(fields)
        self._write("controllers.yaml", data)

    def remove_controller(self, name: str) -> None:
        data = self._read("controllers.yaml")
        (data.get("controllers") or {}).pop(name, None)
        if data.get("current-controller") == name:
            data["current-controller"] = next(iter(data.get("controllers") or {}), None)
        self._write("controllers.yaml", data)
        acct = self._read("accounts.yaml")
        (acct.get("controllers") or {}).pop(name, None)
        self._write("accounts.yaml", acct, mode=0o600)
        models = self._read("models.yaml")
        (models.get("controllers") or {}).pop(name, None)
        self._write("models.yaml", models)

    def set_current_controller(self, name: str) -> None:
        data = self._read("controllers.yaml")
        data["current-controller"] = name
        self._write("controllers.yaml", data)

    def token(self, name: str) -> str:
        acct = self._read("accounts.yaml")
        entry = (acct.get("controllers") or {}).get(name) or {}
        if not entry.get("token"):
            raise ControllerNotFoundError(f"no credentials for controller {name}", controller=name)
        return str(entry["token"])

    # -- models ------------------------------------------------------------------
    def current_model(self, controller: str) -> str | None:
        data = self._read("models.yaml")
        return ((data.get("controllers") or {}).get(controller) or {}).get("current-model")

    def set_current_model(self, controller: str, model: str | None) -> None:
        data = self._read("models.yaml")
        entry = data.setdefault("controllers", {}).setdefault(controller, {})
        if model is None:
            entry.pop("current-model", None)
        else:
            entry["current-model"] = model
        self._write("models.yaml", data)
