"""pick_subnet: the bridge's /16 avoids every IPv4 route and address on the host."""

from __future__ import annotations

import ipaddress
import json
import subprocess

import pytest

from pyjuju.core.errors import ProviderError
from pyjuju.providers.local import netns


def _host(monkeypatch: pytest.MonkeyPatch, routes: list[dict], addrs: list[dict]) -> None:
    answers = {("-j", "route"): routes, ("-j", "addr"): addrs}

    def fake_ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(["ip", *args], 0, json.dumps(answers[args]), "")

    monkeypatch.setattr(netns, "_ip", fake_ip)


def test_first_candidate_when_nothing_overlaps(monkeypatch: pytest.MonkeyPatch) -> None:
    _host(monkeypatch, [{"dst": "default"}, {"dst": "192.168.1.0/24"}], [])
    assert netns.pick_subnet(0) == ipaddress.IPv4Network("10.100.0.0/16")


def test_skips_subnets_used_by_routes_and_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    _host(monkeypatch,
          [{"dst": "10.100.3.0/24"}],
          [{"addr_info": [{"family": "inet", "local": "10.101.7.9", "prefixlen": 16}]}])
    assert netns.pick_subnet(0) == ipaddress.IPv4Network("10.102.0.0/16")


def test_ipv6_routes_and_addresses_do_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    _host(monkeypatch,
          [{"dst": "fe80::/64"}, {"dst": "not-a-network"}],
          [{"addr_info": [{"family": "inet6", "local": "fe80::1", "prefixlen": 64}]}])
    assert netns.pick_subnet(5) == ipaddress.IPv4Network("10.105.0.0/16")


def test_whole_range_taken_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _host(monkeypatch, [{"dst": "10.0.0.0/8"}], [])
    with pytest.raises(ProviderError):
        netns.pick_subnet(0)
