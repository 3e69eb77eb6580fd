"""The local provider: machines as directories plus agent processes on this host."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from pyjuju.core import process
from pyjuju.providers.base import InstanceSpec
from pyjuju.providers.local import LocalProvider
from pyjuju.providers.local import netns as netns_mod

SLEEPER = (sys.executable, "-c", "import time, sys; time.sleep(60)")


def spec(machine_id: str, model_uuid: str = "0123abcd-0000-0000-0000-000000000000",
         **config: object) -> InstanceSpec:
    return InstanceSpec(
        model_uuid=model_uuid,
        machine_id=machine_id,
        agent_config={"token": "secret-token", "machine_id": machine_id, **config},
        agent_command=SLEEPER,
    )


def wait_dead(pid: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while process.start_time(pid) is not None:
        if time.monotonic() > deadline:
            raise AssertionError(f"process {pid} still alive")
        time.sleep(0.01)


def cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


@pytest.fixture
def provider(tmp_path):
    p = LocalProvider(tmp_path / "provider", controller_uuid=str(uuid.uuid4()), network="loopback")
    try:
        yield p
    finally:
        p.destroy_all()


def state_of(p: LocalProvider) -> dict:
    return json.loads((p.root / "provider.json").read_text())


def test_start_instance_writes_config_and_runs_agent(provider) -> None:
    provider.prepare()  # a no-op on loopback
    inst = provider.start_instance(spec("0"))
    assert inst.instance_id == "pyjuju-0123ab-0"
    assert inst.hostname == inst.instance_id and inst.addresses == ("127.0.0.1",)
    mdir = provider.root / "machines" / inst.instance_id
    cfg_path = mdir / "agent.json"
    assert stat.S_IMODE(cfg_path.stat().st_mode) == 0o600
    cfg = json.loads(cfg_path.read_text())
    assert cfg["token"] == "secret-token" and cfg["machine_id"] == "0"
    assert cfg["machine_dir"] == str(mdir) and cfg["instance_id"] == inst.instance_id
    assert (cfg["address"], cfg["cidr"], cfg["interface"]) == ("127.0.0.1", "127.0.0.0/8", "lo")
    entry = state_of(provider)["instances"][inst.instance_id]
    pid = entry["pid"]
    assert process.start_time(pid) is not None
    assert cmdline(pid)[-2:] == ["--config", str(cfg_path)]
    assert os.getpgid(pid) == pid  # its own session/process group
    assert provider.instances() == [inst.instance_id]
    assert provider.controller_bind_addresses() == ["127.0.0.1"]
    assert provider.agent_api_host() == "127.0.0.1"


def test_ensure_running_restarts_a_dead_agent(provider) -> None:
    inst = provider.start_instance(spec("1"))
    pid = state_of(provider)["instances"][inst.instance_id]["pid"]
    assert provider.ensure_running(inst.instance_id) is False
    os.kill(pid, signal.SIGKILL)
    wait_dead(pid)
    assert provider.ensure_running(inst.instance_id) is True
    new_pid = state_of(provider)["instances"][inst.instance_id]["pid"]
    assert new_pid != pid and process.start_time(new_pid) is not None
    assert provider.ensure_running(inst.instance_id) is False
    assert provider.ensure_running("no-such-instance") is False


def test_another_provider_object_sees_persisted_instances(provider) -> None:
    inst = provider.start_instance(spec("2"))
    pid = state_of(provider)["instances"][inst.instance_id]["pid"]
    other = LocalProvider(provider.root, controller_uuid="ffffffff-0000", network="loopback")
    assert other.instances() == [inst.instance_id]
    assert other.ensure_running(inst.instance_id) is False  # alive: not its child, by start time
    other.stop_instance(inst.instance_id)
    wait_dead(pid)
    assert provider._children[inst.instance_id].wait(timeout=5) is not None  # reap it


def test_stop_instance_kills_and_removes(provider) -> None:
    inst = provider.start_instance(spec("3"))
    pid = state_of(provider)["instances"][inst.instance_id]["pid"]
    mdir = provider.root / "machines" / inst.instance_id
    provider.stop_instance(inst.instance_id)
    assert process.start_time(pid) is None
    assert not mdir.exists()
    assert inst.instance_id not in state_of(provider)["instances"]
    assert provider.ensure_running(inst.instance_id) is False  # gone stays gone
    provider.stop_instance(inst.instance_id)  # idempotent


def test_stop_instance_kills_the_agents_children(provider, tmp_path) -> None:
    marker = tmp_path / "child.pid"
    cmd = (sys.executable, "-c",
           "import subprocess, sys, time\n"
           f"p = subprocess.Popen(['sleep', '60'])\nopen({str(marker)!r}, 'w').write(str(p.pid))\n"
           "time.sleep(60)")
    inst = provider.start_instance(InstanceSpec(model_uuid="abcdef00-1", machine_id="4",
                                                agent_config={}, agent_command=cmd))
    deadline = time.monotonic() + 5
    while not (marker.exists() and marker.read_text()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    child = int(marker.read_text())
    provider.stop_instance(inst.instance_id)
    wait_dead(child, timeout=2)


def test_starting_a_machine_again_leaves_no_stray_agent(provider) -> None:
    # The provisioner calls start_instance again for a machine whose instance id was
    # never recorded (controller crashed right after the first start). Afterwards
    # stop_instance must still stop *every* process of that machine.
    first = provider.start_instance(spec("6"))
    pid1 = state_of(provider)["instances"][first.instance_id]["pid"]
    second = provider.start_instance(spec("6"))
    assert second.instance_id == first.instance_id
    pid2 = state_of(provider)["instances"][second.instance_id]["pid"]
    provider.stop_instance(second.instance_id)
    try:
        assert process.start_time(pid2) is None
        assert process.start_time(pid1) is None, "the first agent of the machine is still running"
    finally:
        process.signal_group(pid1, signal.SIGKILL)


def test_destroy_all(provider) -> None:
    insts = [provider.start_instance(spec(m)) for m in ("0", "1")]
    pids = [state_of(provider)["instances"][i.instance_id]["pid"] for i in insts]
    provider.destroy_all()
    for pid in pids:
        assert process.start_time(pid) is None
    assert provider.instances() == []
    assert not (provider.root / "machines").exists()


def test_spawn_failure_is_provider_error(provider) -> None:
    from pyjuju.core.errors import ProviderError

    bad = InstanceSpec(model_uuid="abcdef00-2", machine_id="5", agent_config={},
                       agent_command=("/nonexistent/agent",))
    with pytest.raises(ProviderError):
        provider.start_instance(bad)


def test_base_and_hardware_facts(provider) -> None:
    base = provider.base()
    assert set(base) == {"name", "channel"} and base["name"]
    hw = provider.hardware()
    assert hw.startswith("arch=") and " cores=" in hw and " mem=" in hw


# -- network namespaces (root only) --------------------------------------------------------

needs_netns = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or not netns_mod.available(),
    reason="network namespaces need root and iproute2",
)


def _ip(*args: str) -> str:
    return subprocess.run(["ip", *args], capture_output=True, text=True).stdout


@needs_netns
def test_netns_machine_gets_namespace_and_bridge(tmp_path) -> None:
    controller = str(uuid.uuid4())
    model = str(uuid.uuid4())
    p = LocalProvider(tmp_path / "ns-provider", controller_uuid=controller, network="netns")
    short = controller.replace("-", "")[:6]
    ns_name = f"pyjuju-{model.replace('-', '')[:6]}-0"
    try:
        p.prepare()
        assert p.bridge == f"pjbr{short}"
        assert netns_mod.list_links(p.bridge) == [p.bridge]
        subnet = ipaddress.ip_network(state_of(p)["subnet"])
        gateway = str(subnet.network_address + 1)
        assert p.agent_api_host() == gateway
        assert p.controller_bind_addresses() == ["127.0.0.1", gateway]

        inst = p.start_instance(spec("0", model_uuid=model))
        assert inst.instance_id == ns_name
        assert ns_name in netns_mod.list_namespaces(ns_name)
        addr = ipaddress.ip_address(inst.addresses[0])
        assert addr in subnet and str(addr) != gateway
        entry = state_of(p)["instances"][ns_name]
        veth = entry["veth"]
        assert veth == f"pjv{short}{int(addr) & 0xFFFF:04x}" and len(veth) <= 15
        assert netns_mod.list_links(veth) == [veth]
        cfg = json.loads((Path(entry["dir"]) / "agent.json").read_text())
        assert cfg["interface"] == "eth0" and cfg["cidr"] == str(subnet)
        assert cfg["mac_address"] and cfg["address"] == str(addr)
        assert str(addr) in _ip("-n", ns_name, "addr", "show", "eth0")
        # the agent runs inside the namespace
        assert entry["pid"] in netns_mod.namespace_pids(ns_name)
        p.destroy_all()
        assert netns_mod.list_namespaces(ns_name) == []
        assert netns_mod.list_links(veth) == []
        assert netns_mod.list_links(p.bridge) == []
        assert process.start_time(entry["pid"]) is None
    finally:
        p.destroy_all()
        subprocess.run(["ip", "netns", "del", ns_name], capture_output=True)
        for link in netns_mod.list_links(f"pjv{short}") + netns_mod.list_links(f"pjbr{short}"):
            subprocess.run(["ip", "link", "del", link], capture_output=True)


@needs_netns
def test_after_a_reboot_the_namespace_comes_back_with_the_agent(tmp_path) -> None:
    """A reboot takes every process, namespace, veth and the bridge; the directory stays."""
    controller = str(uuid.uuid4())
    model = str(uuid.uuid4())
    short = controller.replace("-", "")[:6]
    ns_name = f"pyjuju-{model.replace('-', '')[:6]}-0"
    p = LocalProvider(tmp_path / "ns-provider", controller_uuid=controller, network="netns")
    try:
        p.prepare()
        inst = p.start_instance(spec("0", model_uuid=model))
        before = state_of(p)["instances"][ns_name]
        # the "reboot"
        process.signal_group(before["pid"], signal.SIGKILL)
        wait_dead(before["pid"])
        subprocess.run(["ip", "netns", "del", ns_name], check=True)
        subprocess.run(["ip", "link", "del", p.bridge], check=True)
        assert netns_mod.list_namespaces(ns_name) == [] and netns_mod.list_links(before["veth"]) == []

        again = LocalProvider(tmp_path / "ns-provider", controller_uuid=controller, network="netns")
        again.prepare()  # what a starting controller does first
        assert again.ensure_running(inst.instance_id) is True
        after = state_of(again)["instances"][ns_name]
        assert after["address"] == before["address"] and after["veth"] == before["veth"]
        assert ns_name in netns_mod.list_namespaces(ns_name)
        assert after["pid"] in netns_mod.namespace_pids(ns_name)
        assert before["address"] in _ip("-n", ns_name, "addr", "show", "eth0")
        cfg = json.loads((Path(after["dir"]) / "agent.json").read_text())
        assert cfg["mac_address"] == after["mac"] and cfg["token"] == "secret-token"
        assert again.ensure_running(inst.instance_id) is False
        again.destroy_all()
    finally:
        p.destroy_all()
        subprocess.run(["ip", "netns", "del", ns_name], capture_output=True)
        for link in netns_mod.list_links(f"pjv{short}") + netns_mod.list_links(f"pjbr{short}"):
            subprocess.run(["ip", "link", "del", link], capture_output=True)
