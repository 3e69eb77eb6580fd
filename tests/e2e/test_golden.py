"""Golden outputs: a real model with machines, subordinates, relations, an error and open
ports, captured through the CLI and compared with ``tests/golden/*.json``.

The golden files are what ``tests/unit/cli/test_golden_jubilant.py`` feeds to jubilant's
parsers, so this test keeps those files honest: they must be exactly what pyjuju prints,
with only run-to-run noise (times, addresses, ids, names) replaced by placeholders.

After an intended change of output, rewrite them with
``PYJUJU_UPDATE_GOLDEN=1 pytest tests/e2e/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .harness import CHARMS, PYJUJU, Juju

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("PYJUJU_UPDATE_GOLDEN") == "1"

# Run-to-run noise, in the order applied, and the fixed stand-ins that replace it. The
# stand-ins are valid values of the same kind, so jubilant's parsers read the golden files
# as they read live output; what is left must be identical between runs.
_NOISE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})"), "01 Jan 2025 00:00:00Z"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"), "2025-01-01T00:00:00Z"),
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? \+0000 UTC"), "2025-01-01 00:00:00 +0000 UTC"),
    (re.compile(r"^\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$"), "00:00:00Z"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
     "00000000-0000-4000-8000-000000000000"),
    (re.compile(r"pyjuju-[0-9a-f]{6}-"), "pyjuju-000000-"),
    (re.compile(r"\b10\.\d+\.\d+\.\d+\b"), "10.0.0.1"),
    (re.compile(r"\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b"), "00:16:3e:00:00:01"),
    (re.compile(r"secret:[0-9a-v]{20}"), "secret:d0000000000000000000"),
    (re.compile(r"^[0-9a-v]{20}$"), "d0000000000000000000"),
    (re.compile(r"cores=\d+ mem=\d+M"), "cores=2 mem=4096M"),
    (re.compile(r"^(just now|\d+ (second|minute|hour)s? ago)$"), "just now"),
]
# Names chosen per run (model, controller), replaced in this order.
_MODEL, _CONTROLLER = "golden", "golden-ctl"


def normalise(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {normalise(k, names): normalise(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, names) for v in value]
    if isinstance(value, str):
        for pattern, repl in _NOISE:
            value = pattern.sub(repl, value)
        for real, placeholder in names.items():
            value = value.replace(real, placeholder)
    return value


def capture(juju: Juju, *args: str, check: bool = True, model: bool = True) -> dict[str, Any]:
    res = juju.cli(*args, check=check, model=model)
    return {"returncode": res.returncode, "stdout": json.loads(res.stdout) if res.stdout.strip() else None,
            "stderr": res.stderr}


def test_golden_outputs(juju: Juju, tmp_path: Path) -> None:
    pack_dir = tmp_path / "ops-charm"
    shutil.copytree(CHARMS / "ops-charm", pack_dir)
    (pack_dir / "requirements.txt").write_text("ops==3.9.0\n")
    subprocess.run([*PYJUJU, "pack", str(pack_dir), "-o", str(tmp_path)], check=True,
                   capture_output=True, env=juju.env())
    (ops_charm,) = tmp_path.glob("ops-charm_*.charm")

    juju.cli("model-config", "automatically-retry-hooks=false")
    juju.cli("add-machine")
    juju.cli("deploy", str(CHARMS / "bash-hooks"), "web", "--config", "ports=8080,9000-9001/udp,icmp")
    juju.cli("deploy", str(CHARMS / "bash-sub"), "sub")
    juju.cli("integrate", "web", "sub")
    juju.cli("deploy", str(CHARMS / "bash-provider"), "provider")
    juju.cli("deploy", str(CHARMS / "bash-requirer"), "requirer")
    juju.cli("integrate", "provider:data", "requirer:data")
    juju.cli("deploy", str(CHARMS / "bash-hooks"), "broken", "--config", "fail-hook=install")
    juju.cli("deploy", str(ops_charm), "ops")

    def settled(s: dict[str, Any]) -> bool:
        units = {n: u for a in s["applications"].values() for n, u in a.get("units", {}).items()}
        units.update({n: u for u in list(units.values()) for n, u in u.get("subordinates", {}).items()})
        if set(units) != {"web/0", "sub/0", "provider/0", "requirer/0", "broken/0", "ops/0"}:
            return False
        if units["broken/0"]["workload-status"].get("current") != "error":
            return False
        return all(u["juju-status"].get("current") == "idle" for n, u in units.items() if n != "broken/0") \
            and all(m["juju-status"].get("current") == "started" for m in s["machines"].values())

    juju.wait(settled, timeout=300, what="golden model settled")
    # A second unit after the first settled, so web/0 is the leader on every run.
    juju.cli("add-unit", "web")
    juju.wait(lambda s: "web/1" in s["applications"]["web"]["units"]
              and "sub/1" in s["applications"]["web"]["units"]["web/1"].get("subordinates", {})
              and all(u["juju-status"].get("current") == "idle"
                      for u in s["applications"]["web"]["units"]["web/1"]["subordinates"].values())
              and s["applications"]["web"]["units"]["web/1"]["workload-status"].get("current") == "active"
              and s["applications"]["web"]["units"]["web/1"]["juju-status"].get("current") == "idle",
              timeout=120, what="web/1 and sub/1 idle")

    uri = juju.cli("add-secret", "creds", "user=admin", "password=hunter2", "--info", "db creds").stdout.strip()
    juju.cli("update-secret", uri, "user=admin", "password=hunter3")
    juju.cli("grant-secret", uri, "ops")

    outputs: dict[str, Any] = {
        "status": capture(juju, "status", "--format", "json"),
        "machines": capture(juju, "machines", "--format", "json"),
        "run-completed": capture(juju, "run", "--format", "json", "ops/0", "do-thing", "param1=x"),
        "run-failed": capture(juju, "run", "--format", "json", "ops/0", "do-thing", "error=ERR", check=False),
        "exec-unit": capture(juju, "exec", "--format", "json", "--unit", "web/0", "--", "echo", "hi"),
        "exec-machine": capture(juju, "exec", "--format", "json", "--machine", "0", "--", "sh", "-c",
                                "echo out; echo err >&2; exit 3", check=False),
        "secrets": capture(juju, "secrets", "--format", "json"),
        "show-secret-reveal": capture(juju, "show-secret", uri, "--reveal", "--format", "json"),
        "show-secret-revisions": capture(juju, "show-secret", "creds", "--revisions", "--format", "json"),
        "show-unit": capture(juju, "show-unit", "web/0", "--format", "json"),
        "show-unit-sub": capture(juju, "show-unit", "sub/0", "--format", "json"),
        "show-model": capture(juju, "show-model", "--format", "json"),
        "show-application": capture(juju, "show-application", "web", "--format", "json"),
        "config": capture(juju, "config", "web", "--format", "json"),
        "version": capture(juju, "version", "--format", "json", "--all", model=False),
    }
    names = {juju.model: _MODEL, juju.controller: _CONTROLLER}
    outputs = normalise(outputs, names)
    # The version of pyjuju itself changes with every release; its shape does not.
    outputs["version"]["stdout"]["compiler"] = "pyjuju 0.0.0"
    for machine in outputs["show-model"]["stdout"][_MODEL]["machines"].values():
        assert machine["cores"] == os.cpu_count()  # the local provider's machines are this host
        machine["cores"] = 2

    GOLDEN.mkdir(exist_ok=True)
    stale: list[str] = []
    for name, value in outputs.items():
        path = GOLDEN / f"{name}.json"
        text = json.dumps(value, indent=2, sort_keys=False) + "\n"
        if UPDATE:
            path.write_text(text)
        elif not path.exists() or path.read_text() != text:
            stale.append(f"--- {path.name} now reads:\n{text}")
    assert not stale, "outputs differ from tests/golden (PYJUJU_UPDATE_GOLDEN=1 rewrites them):\n" + "\n".join(stale)
