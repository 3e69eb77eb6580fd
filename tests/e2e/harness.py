"""Driving a real local controller through the ``pyjuju`` command line.

Tests talk to pyjuju only as a user would (the CLI, its JSON output), plus
one local-provider fact: a unit's charm directory lives under the
controller's data directory, where test charms leave a ``hooks.log`` of the
hooks they ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PYJUJU = [sys.executable, "-m", "pyjuju.cmd.cli"]
CHARMS = Path(__file__).resolve().parent.parent / "charms"


class CLIError(AssertionError):
    pass


class Juju:
    """One controller (and optionally one model) driven through the CLI."""

    def __init__(self, data_dir: Path, controller: str, model: str | None = None) -> None:
        self.data_dir = data_dir
        self.controller = controller
        self.model = model

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYJUJU_DATA": str(self.data_dir)}

    def cli(self, *args: str, check: bool = True, model: bool = True, stdin: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        argv = [*PYJUJU, args[0]]
        if model and self.model:
            argv += ["--model", f"{self.controller}:{self.model}"]
        argv += list(args[1:])
        res = subprocess.run(argv, capture_output=True, text=True, env=self.env(), input=stdin,
                             timeout=timeout)
        if check and res.returncode != 0:
            raise CLIError(f"pyjuju {' '.join(args)} failed ({res.returncode}):\n{res.stderr}{res.stdout}")
        return res

    def status(self) -> dict[str, Any]:
        return json.loads(self.cli("status", "--format", "json").stdout)

    def with_model(self, model: str) -> Juju:
        return Juju(self.data_dir, self.controller, model)

    def wait(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 120,
             what: str = "condition") -> dict[str, Any]:
        """Poll status until ``predicate`` holds (a liveness bound, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        st: dict[str, Any] = {}
        while time.monotonic() < deadline:
            st = self.status()
            if predicate(st):
                return st
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; last status:\n{json.dumps(st, indent=1)}")

    def wait_idle(self, apps: list[str] | None = None, timeout: float = 180) -> dict[str, Any]:
        return self.wait(lambda st: all_idle(st, apps), timeout, f"{apps or 'all'} idle")

    def unit_dir(self, unit: str) -> Path:
        st = self.status()
        app = st["applications"][unit.split("/")[0]]
        machine = app["units"][unit]["machine"]
        inst = st["machines"][machine]["instance-id"]
        root = self.data_dir / "controllers" / self.controller / "local" / "machines" / inst
        return root / "agents" / ("unit-" + unit.replace("/", "-"))

    def charm_file(self, unit: str, name: str) -> Path:
        return self.unit_dir(unit) / "charm" / name

    def hooks(self, unit: str) -> list[str]:
        """The hooks a test charm recorded, in order (one line per hook it ran)."""
        path = self.charm_file(unit, "hooks.log")
        return path.read_text().splitlines() if path.exists() else []


def all_idle(st: dict[str, Any], apps: list[str] | None = None) -> bool:
    names = apps or list(st["applications"])
    for name in names:
        app = st["applications"].get(name)
        if app is None:
            return False
        units = app.get("units") or {}
        if not units:
            return False
        for u in units.values():
            if u["juju-status"].get("current") != "idle":
                return False
            if u["workload-status"].get("current") in ("maintenance", "waiting") and \
                    u["workload-status"].get("message") in ("installing charm software", "waiting for machine"):
                return False
    return True


def unit_statuses(st: dict[str, Any], app: str) -> dict[str, tuple[str, str]]:
    return {
        name: (u["workload-status"].get("current", ""), u["workload-status"].get("message", ""))
        for name, u in (st["applications"][app].get("units") or {}).items()
    }
