"""A throwaway local controller for benchmarks, driven like a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from pyjuju.client import Client


class BenchController:
    def __init__(self, name: str = "bench") -> None:
        self.name = name
        self.data = Path(tempfile.mkdtemp(prefix="pyjuju-bench-"))
        self.env = {**os.environ, "PYJUJU_DATA": str(self.data)}

    def cli(self, *args: str) -> str:
        res = subprocess.run([sys.executable, "-m", "pyjuju.cmd.cli", *args], env=self.env,
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"pyjuju {' '.join(args)}: {res.stderr}")
        return res.stdout

    def __enter__(self) -> BenchController:
        self.cli("bootstrap", "local", self.name)
        ctl = yaml.safe_load((self.data / "controllers.yaml").read_text())["controllers"][self.name]
        token = yaml.safe_load((self.data / "accounts.yaml").read_text())["controllers"][self.name]["token"]
        self.pid = int(ctl["pid"])
        self.client = Client(ctl["api-endpoints"][0], token)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.cli("destroy-controller", self.name, "--no-prompt")
        finally:
            shutil.rmtree(self.data, ignore_errors=True)

    def status(self) -> dict[str, Any]:
        return self.client.status("admin/default")

    def unit_dir(self, unit: str) -> Path:
        st = self.status()
        app = st["applications"][unit.split("/")[0]]
        inst = st["machines"][app["units"][unit]["machine"]]["instance-id"]
        return (self.data / "controllers" / self.name / "local" / "machines" / inst / "agents"
                / ("unit-" + unit.replace("/", "-")))

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def write_charm(root: Path, name: str, hook_body: dict[str, str] | None = None,
                config: dict[str, Any] | None = None) -> Path:
    """A bash charm whose hooks only ``exit 0`` unless ``hook_body`` says otherwise."""
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text(f"name: {name}\nsummary: bench\ndescription: bench\n")
    (root / "config.yaml").write_text(yaml.safe_dump({"options": config or {}}))
    bodies = hook_body or {}
    for hook in ("install", "leader-elected", "leader-settings-changed", "config-changed", "start",
                 "update-status", "stop", "remove"):
        p = root / "hooks" / hook
        p.write_text("#!/bin/bash\n" + bodies.get(hook, "exit 0\n"))
        p.chmod(0o755)
    return root


