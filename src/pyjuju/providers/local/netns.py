"""Network namespaces and a bridge, driven through iproute2.

Naming stays under the kernel's 15-character interface limit: the bridge is
``pjbr<6 hex>`` and a machine's host-side veth ``pjv<6 hex><4 hex of its address>``.
Every name carries the controller's short id so two controllers on one host
never touch each other's links.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess

from ...core.errors import ProviderError


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    res = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and res.returncode != 0:
        raise ProviderError(f"ip {' '.join(args)} failed: {res.stderr.strip()}", command=["ip", *args])
    return res


def available() -> bool:
    """Namespaces need root and iproute2."""
    if os.geteuid() != 0:
        return False
    try:
        return _ip("netns", "list", check=False).returncode == 0
    except FileNotFoundError:
        return False


def pick_subnet(seed: int) -> ipaddress.IPv4Network:
    """A free 10.X.0.0/16 that overlaps no route or address on this host."""
    used: list[ipaddress.IPv4Network] = []
    for args in (("-j", "route"), ("-j", "addr")):
        try:
            data = json.loads(_ip(*args).stdout or "[]")
        except (ValueError, ProviderError):
            data = []
        for entry in data:
            dst = entry.get("dst")
            if dst and dst != "default":
                try:
                    used.append(ipaddress.IPv4Network(dst, strict=False))
                except ValueError:
                    pass  # not an IPv4 network: it cannot overlap ours
            for a in entry.get("addr_info", []):
                if a.get("family") == "inet":
                    used.append(ipaddress.IPv4Network(f"{a['local']}/{a['prefixlen']}", strict=False))
    for i in range(150):
        x = 100 + (seed + i) % 150
        net = ipaddress.IPv4Network(f"10.{x}.0.0/16")
        if not any(net.overlaps(u) for u in used):
            return net
    raise ProviderError("no free 10.X.0.0/16 subnet for the local bridge")


def ensure_bridge(name: str, gateway: str, prefixlen: int) -> None:
    if _ip("link", "show", name, check=False).returncode != 0:
        _ip("link", "add", name, "type", "bridge")
    addrs = _ip("-j", "addr", "show", name).stdout
    if gateway not in addrs:
        _ip("addr", "add", f"{gateway}/{prefixlen}", "dev", name)
    _ip("link", "set", name, "up")


def delete_link(name: str) -> None:
    _ip("link", "del", name, check=False)


def create_namespace(ns: str, veth: str, bridge: str, address: str, prefixlen: int, gateway: str) -> str:
    """Make ``ns`` with ``eth0`` at ``address``; returns eth0's MAC address."""
    if _ip("netns", "pids", ns, check=False).returncode != 0:
        _ip("netns", "add", ns)
    if _ip("link", "show", veth, check=False).returncode != 0:
        _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
    _ip("link", "set", veth, "master", bridge, "up")
    _ip("-n", ns, "link", "set", "lo", "up")
    if address not in _ip("-n", ns, "-j", "addr", "show", "eth0").stdout:
        _ip("-n", ns, "addr", "add", f"{address}/{prefixlen}", "dev", "eth0")
    _ip("-n", ns, "link", "set", "eth0", "up")
    _ip("-n", ns, "route", "replace", "default", "via", gateway, check=False)
    info = json.loads(_ip("-n", ns, "-j", "link", "show", "eth0").stdout or "[{}]")
    return str(info[0].get("address", ""))


def namespace_pids(ns: str) -> list[int]:
    res = _ip("netns", "pids", ns, check=False)
    return [int(p) for p in res.stdout.split() if p.isdigit()]


def delete_namespace(ns: str, veth: str) -> None:
    delete_link(veth)
    _ip("netns", "del", ns, check=False)


def list_namespaces(prefix: str) -> list[str]:
    res = _ip("netns", "list", check=False)
    return [line.split()[0] for line in res.stdout.splitlines() if line.startswith(prefix)]


def list_links(prefix: str) -> list[str]:
    res = _ip("-j", "link", "show", check=False)
    try:
        data = json.loads(res.stdout or "[]")
    except ValueError:
        return []
    return [d["ifname"] for d in data if str(d.get("ifname", "")).startswith(prefix)]
