"""Port ranges as charms open them."""

from __future__ import annotations

import pytest

from pyjuju.core.errors import InvalidArgumentError
from pyjuju.core.ports import PortRange, format_ports_compact


@pytest.mark.parametrize(
    "text, parsed, canonical",
    [
        ("80", PortRange("tcp", 80, 80), "80/tcp"),
        ("80/tcp", PortRange("tcp", 80, 80), "80/tcp"),
        ("80/TCP", PortRange("tcp", 80, 80), "80/tcp"),
        (" 53/udp ", PortRange("udp", 53, 53), "53/udp"),
        ("1000-2000/udp", PortRange("udp", 1000, 2000), "1000-2000/udp"),
        ("1000-1000", PortRange("tcp", 1000, 1000), "1000/tcp"),
        ("icmp", PortRange("icmp"), "icmp"),
        ("ICMP", PortRange("icmp"), "icmp"),
        ("1/tcp", PortRange("tcp", 1, 1), "1/tcp"),
        ("65535", PortRange("tcp", 65535, 65535), "65535/tcp"),
    ],
)
def test_parse_and_str(text, parsed, canonical) -> None:
    pr = PortRange.parse(text)
    assert pr == parsed
    assert str(pr) == canonical
    assert PortRange.parse(str(pr)) == pr


@pytest.mark.parametrize(
    "text",
    ["", "0", "65536", "80/sctp", "2000-1000", "a", "80-", "-80", "80/icmp", "1-2-3",
     "80/tcp/udp", "0-10/tcp"],
)
def test_parse_invalid(text) -> None:
    with pytest.raises(InvalidArgumentError):
        PortRange.parse(text)


def test_order_protocol_then_from_then_to() -> None:
    texts = ["8080/tcp", "53/udp", "80-90/tcp", "icmp", "80/tcp", "443/tcp", "1-100/udp"]
    ordered = sorted(PortRange.parse(t) for t in texts)
    assert [str(p) for p in ordered] == [
        "icmp", "80/tcp", "80-90/tcp", "443/tcp", "8080/tcp", "1-100/udp", "53/udp",
    ]


@pytest.mark.parametrize(
    "ports, text",
    [
        ([], ""),
        (["80/tcp"], "80/tcp"),
        (["80/tcp", "443/tcp"], "80,443/tcp"),
        (["443/tcp", "80/tcp", "80/tcp"], "80,443/tcp"),
        (["8000/tcp", "8001/tcp", "8002-8005/tcp"], "8000-8005/tcp"),
        (["80/tcp", "53/udp", "icmp"], "80/tcp 53/udp icmp"),
        (["icmp", "53/udp", "80/tcp"], "80/tcp 53/udp icmp"),
        (["1000-2000/udp", "1500-2500/udp"], "1000-2500/udp"),
        (["80/tcp", "81/tcp", "443/tcp", "8000-8005/tcp"], "80-81,443,8000-8005/tcp"),
    ],
)
def test_format_ports_compact(ports, text) -> None:
    assert format_ports_compact(ports) == text
