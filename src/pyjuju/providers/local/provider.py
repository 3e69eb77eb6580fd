"""LocalProvider: machines as directories plus agent processes on this host."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import platform
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...core import process
from ...core.constraints import Constraints
from ...core.errors import ProviderError
from ..base import IngressRule, Instance, InstanceSpec
from . import hostcheck, netns

log = logging.getLogger(__name__)


class LocalProvider:
    """Machines live under ``<root>/machines/<instance-id>``; state in ``provider.json``.

    ``network`` is ``auto`` (namespaces when root, else loopback), ``netns`` or
    ``loopback``. ``host_facts`` reads what constraints are checked against (this
    host's, by default; tests describe other hosts).
    """

    name = "local"

    def __init__(self, root: Path, controller_uuid: str, network: str = "auto",
                 host_facts: Callable[[], hostcheck.HostFacts] | None = None) -> None:
        self.root = Path(root)
        self._host_facts = host_facts or (lambda: hostcheck.read_host_facts(self.root))
        self.short = controller_uuid.replace("-", "")[:6]
        if network == "auto":
            network = "netns" if netns.available() else "loopback"
        if network == "netns" and not netns.available():
            raise ProviderError("network namespaces need root and iproute2")
        self.network = network
        self.root.mkdir(parents=True, exist_ok=True)
        self._state_path = self.root / "provider.json"
        self._state: dict[str, Any] = self._load()
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    # -- persistence -------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads(self._state_path.read_text())
        except FileNotFoundError:
            return {"subnet": None, "next_host": 2, "instances": {}}
        return state

    def _save(self) -> None:
        tmp = self._state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._state, indent=1))
        os.replace(tmp, self._state_path)

    # -- network -----------------------------------------------------------------
    @property
    def bridge(self) -> str:
        return f"pjbr{self.short}"

    def _subnet(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self._state["subnet"])

    def _gateway(self) -> str:
        return str(self._subnet().network_address + 1)

    def prepare(self) -> None:
        if self.network != "netns":
            return
        if not self._state.get("subnet"):
            self._state["subnet"] = str(netns.pick_subnet(int(self.short, 16)))
            self._save()
        netns.ensure_bridge(self.bridge, self._gateway(), self._subnet().prefixlen)

    def controller_bind_addresses(self) -> list[str]:
        if self.network == "netns":
            return ["127.0.0.1", self._gateway()]
        return ["127.0.0.1"]

    def agent_api_host(self) -> str:
        return self._gateway() if self.network == "netns" else "127.0.0.1"

    # -- instances ---------------------------------------------------------------
    def start_instance(self, spec: InstanceSpec) -> Instance:
        instance_id = f"pyjuju-{spec.model_uuid.replace('-', '')[:6]}-{spec.machine_id}"
        mdir = self.root / "machines" / instance_id
        mdir.mkdir(parents=True, exist_ok=True)
        entry: dict[str, Any] = dict(self._state["instances"].get(instance_id) or {})
        entry.update({"id": instance_id, "dir": str(mdir), "command": list(spec.agent_command)})
        if self.network == "netns":
            if "address" not in entry:
                host = self._state["next_host"]
                self._state["next_host"] = host + 1
                entry["address"] = str(self._subnet().network_address + host)
            addr = ipaddress.ip_address(entry["address"])
            entry["ns"] = instance_id
            entry["veth"] = f"pjv{self.short}{int(addr) & 0xFFFF:04x}"
            self._state["instances"][instance_id] = entry
            self._save()
            entry["mac"] = netns.create_namespace(
                entry["ns"], entry["veth"], self.bridge, entry["address"],
                self._subnet().prefixlen, self._gateway(),
            )
        else:
            entry["address"] = "127.0.0.1"
        config = dict(spec.agent_config)
        config.update(
            {
                "machine_dir": str(mdir),
                "instance_id": instance_id,
                "address": entry["address"],
                "mac_address": entry.get("mac", ""),
                "cidr": str(self._subnet()) if self.network == "netns" else "127.0.0.0/8",
                "interface": "eth0" if self.network == "netns" else "lo",
            }
        )
        cfg_path = mdir / "agent.json"
        fd = os.open(cfg_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(config, f)
        entry["config"] = str(cfg_path)
        self._state["instances"][instance_id] = entry
        self._save()
        self._spawn(instance_id)
        return Instance(
            instance_id=instance_id,
            hostname=instance_id,
            addresses=(entry["address"],),
        )

    def _spawn(self, instance_id: str) -> None:
        entry = self._state["instances"][instance_id]
        if self._alive(entry):  # started again (say, after a controller crash): one agent only
            process.signal_group(int(entry["pid"]), signal.SIGKILL)
        argv = [*entry["command"], "--config", entry["config"]]
        if self.network == "netns":
            # Its own UTS namespace too, so `hostname` on the machine names the machine,
            # as it does on a real one (charms key config on socket.gethostname()).
            argv = ["ip", "netns", "exec", entry["ns"], "unshare", "--uts", "--",
                    "sh", "-c", 'hostname "$0" && exec "$@"', instance_id, *argv]
        log = open(Path(entry["dir"]) / "agent.log", "ab")
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as e:
            raise ProviderError(f"cannot start machine agent for {instance_id}: {e}") from e
        finally:
            log.close()
        entry["pid"] = proc.pid
        entry["started"] = process.start_time(proc.pid)
        self._save()
        self._children[instance_id] = proc

    def _alive(self, entry: dict[str, Any]) -> bool:
        pid = entry.get("pid")
        if not pid:
            return False
        proc = self._children.get(entry.get("id", ""))
        if proc is not None and proc.pid == pid and proc.poll() is not None:
            return False  # our own child: poll() also reaps it
        return process.start_time(pid) == entry.get("started")

    def ensure_running(self, instance_id: str) -> bool:
        """Start the machine's agent again if it is not running; whether it had to be.

        After a host reboot the namespace, its veth and every process are gone
        while the machine's directory and recorded address are not: the
        namespace is made again (same name and address) before the agent.
        """
        entry = self._state["instances"].get(instance_id)
        if entry is None or entry.get("stopping"):
            return False
        if self._alive(entry):
            return False
        if entry.get("ns"):
            self._restore_namespace(entry)
        self._spawn(instance_id)
        return True

    def _restore_namespace(self, entry: dict[str, Any]) -> None:
        mac = netns.create_namespace(  # idempotent: only what is missing is made
            entry["ns"], entry["veth"], self.bridge, entry["address"],
            self._subnet().prefixlen, self._gateway(),
        )
        if mac and mac != entry.get("mac"):
            entry["mac"] = mac
            cfg_path = Path(entry["config"])
            config = json.loads(cfg_path.read_text())
            config["mac_address"] = mac
            tmp = cfg_path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(config, f)
            os.replace(tmp, cfg_path)
            self._save()

    def stop_instance(self, instance_id: str) -> None:
        entry = self._state["instances"].get(instance_id)
        if entry is None:
            return
        entry["stopping"] = True
        self._save()
        if self._alive(entry):
            process.signal_group(int(entry["pid"]), signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and self._alive(entry):
                time.sleep(0.05)
            if self._alive(entry):  # never signal a pid that may since belong to someone else
                process.signal_group(int(entry["pid"]), signal.SIGKILL)
        if entry.get("ns"):
            for pid in netns.namespace_pids(entry["ns"]):
                process.signal_group(pid, signal.SIGKILL)
            netns.delete_namespace(entry["ns"], entry["veth"])
        shutil.rmtree(entry["dir"], ignore_errors=True)
        self._state["instances"].pop(instance_id, None)
        self._save()
        proc = self._children.pop(instance_id, None)
        if proc is not None:
            proc.poll()

    def instances(self) -> list[str]:
        return sorted(self._state["instances"])

    def destroy_all(self) -> None:
        for instance_id in list(self._state["instances"]):
            self.stop_instance(instance_id)
        if self._state.get("subnet"):
            for link in netns.list_links(f"pjv{self.short}"):
                netns.delete_link(link)
            netns.delete_link(self.bridge)
        shutil.rmtree(self.root / "machines", ignore_errors=True)

    # -- facts -------------------------------------------------------------------
    def base(self) -> dict[str, str]:
        info = platform.freedesktop_os_release() if hasattr(platform, "freedesktop_os_release") else {}
        return {"name": info.get("ID", "linux"), "channel": info.get("VERSION_ID", "")}

    def hardware(self) -> str:
        facts = self._host_facts()
        return f"arch={facts.arch} cores={facts.cores} mem={facts.mem_mib}M virt-type={hostcheck.VIRT_TYPE}"

    def check_constraints(self, cons: Constraints) -> None:
        hostcheck.check(cons, self._host_facts())

    def network_cidrs(self) -> tuple[str, ...]:
        return (str(self._subnet()),) if self.network == "netns" and self._state.get("subnet") else ("127.0.0.0/8",)

    # -- firewall ----------------------------------------------------------------
    def set_ingress_rules(self, instance_id: str, rules: tuple[IngressRule, ...]) -> None:
        """Record the rules in ``firewall.json`` in the machine's directory.

        Not enforced: a local machine shares the host's (or its namespace's) network
        stack and anything may reach it; the record lets users and tests see what a
        provider that enforces (LXD, clouds) would open."""
        entry = self._state["instances"].get(instance_id)
        if entry is None or entry.get("stopping"):
            return
        path = Path(entry["dir"]) / "firewall.json"
        doc = {"instance-id": instance_id, "ingress": [r.to_dict() for r in sorted(rules)]}
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(doc, indent=1))
            os.replace(tmp, path)
        except FileNotFoundError:  # the machine directory went away under us
            return
        log.info("firewall %s: %s", instance_id, "; ".join(map(str, sorted(rules))) or "no ingress")

    def ingress_rules(self, instance_id: str) -> list[dict[str, Any]]:
        """What :meth:`set_ingress_rules` last recorded for a machine."""
        entry = self._state["instances"].get(instance_id)
        if entry is None:
            return []
        try:
            return list(json.loads((Path(entry["dir"]) / "firewall.json").read_text())["ingress"])
        except FileNotFoundError:
            return []


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
