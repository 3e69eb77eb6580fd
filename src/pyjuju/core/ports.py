"""Port ranges as charms open them (``80/tcp``, ``8000-8999/udp``, ``icmp``)."""

from __future__ import annotations

import dataclasses

from .errors import InvalidArgumentError

PROTOCOLS = ("tcp", "udp", "icmp")


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class PortRange:
    """Ordered by protocol, then from-port, then to-port (Juju's listing order)."""

    protocol: str
    from_port: int = 0
    to_port: int = 0

    @classmethod
    def parse(cls, text: str) -> PortRange:
        """Parse ``80``, ``80/tcp``, ``1000-2000/udp`` or ``icmp`` (any case)."""
        raw = text.strip().lower()
        if raw == "icmp":
            return cls("icmp")
        port_part, _, proto = raw.partition("/")
        proto = proto or "tcp"
        if proto not in PROTOCOLS:
            raise InvalidArgumentError(f'invalid protocol "{proto}", expected "tcp", "udp", or "icmp"')
        if proto == "icmp":
            if port_part:
                raise InvalidArgumentError(f'invalid port range "{text}"')
            return cls("icmp")
        lo_s, dash, hi_s = port_part.partition("-")
        try:
            lo = int(lo_s)
            hi = int(hi_s) if dash else lo
        except ValueError:
            raise InvalidArgumentError(f'invalid port range "{text}"') from None
        if not (1 <= lo <= 65535 and 1 <= hi <= 65535) or hi < lo:
            raise InvalidArgumentError(f'invalid port range "{text}"')
        return cls(proto, lo, hi)

    def __str__(self) -> str:
        if self.protocol == "icmp":
            return "icmp"
        if self.from_port == self.to_port:
            return f"{self.from_port}/{self.protocol}"
        return f"{self.from_port}-{self.to_port}/{self.protocol}"


def format_ports_compact(ports: list[str]) -> str:
    """Tabular status form: ``80,443/tcp 8000-8005/tcp icmp`` (grouped per protocol)."""
    by_proto: dict[str, list[tuple[int, int]]] = {}
    bare: list[str] = []
    for text in ports:
        pr = PortRange.parse(text)
        if pr.protocol == "icmp":
            bare.append("icmp")
            continue
        by_proto.setdefault(pr.protocol, []).append((pr.from_port, pr.to_port))
    out: list[str] = []
    for proto in sorted(by_proto):
        ranges = sorted(set(by_proto[proto]))
        merged: list[list[int]] = []
        for lo, hi in ranges:
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        parts = [str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in merged]
        out.append(",".join(parts) + "/" + proto)
    out.extend(sorted(set(bare)))
    return " ".join(out)
