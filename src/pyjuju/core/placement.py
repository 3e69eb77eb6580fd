"""Placement directives (``--to``), parsed into values.

Parsing is separate from planning so that every front end (the CLI, bundles, the
API) agrees on what a directive *means* before the controller decides whether it
can honour it: ``lxd:0`` parses fine and is then refused by the planner with a
reason, rather than being mistaken for an invalid machine id.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Literal

from .errors import InvalidArgumentError, NotSupportedError, PyjujuError
from .names import is_valid_application_name, is_valid_machine_id, is_valid_unit_name

Kind = Literal["new", "machine", "unit", "application", "container", "zone", "provider"]
CONTAINER_TYPES = ("lxd", "kvm")
_HOST_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z0-9.-]+$")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Directive:
    """One parsed directive; which fields are set depends on ``kind``.

    ``machine``: ``"3"`` → machine; ``lxd:3`` / ``3/lxd/1`` → container host.
    ``container``: ``lxd`` or ``kvm`` for container directives (``number`` for
    ``3/lxd/1``). ``unit``: ``app/2``. ``application``: a bare ``app``.
    ``value``: the zone of ``zone=az1``, or the provider host name.
    """

    text: str
    kind: Kind
    machine: str = ""
    container: str = ""
    number: str = ""
    unit: str = ""
    application: str = ""
    value: str = ""


def parse_directive(text: str) -> Directive:
    """Parse one directive; an unknown shape is an :class:`InvalidArgumentError`."""
    d = text.strip()
    if d in ("", "new"):
        return Directive(text=d or "new", kind="new")
    if is_valid_machine_id(d):
        return Directive(text=d, kind="machine", machine=d)
    if d in CONTAINER_TYPES:
        return Directive(text=d, kind="container", container=d)
    ctype, sep, rest = d.partition(":")
    if sep and ctype in CONTAINER_TYPES and (rest == "new" or is_valid_machine_id(rest)):
        return Directive(text=d, kind="container", container=ctype, machine="" if rest == "new" else rest)
    parts = d.split("/")
    if len(parts) == 3 and is_valid_machine_id(parts[0]) and parts[1] in CONTAINER_TYPES \
            and is_valid_machine_id(parts[2]):
        return Directive(text=d, kind="container", machine=parts[0], container=parts[1], number=parts[2])
    if is_valid_unit_name(d):
        return Directive(text=d, kind="unit", unit=d, application=d.rsplit("/", 1)[0])
    if is_valid_application_name(d):
        return Directive(text=d, kind="application", application=d)
    key, sep, value = d.partition("=")
    if sep and key == "zone" and value:
        return Directive(text=d, kind="zone", value=value)
    if _HOST_RE.match(d):
        return Directive(text=d, kind="provider", value=d)
    raise InvalidArgumentError(f'invalid placement directive "{d}"', directive=d)


def refusal(d: Directive) -> PyjujuError | None:
    """Why pyjuju cannot honour ``d`` for a unit on the command line (``None`` if it can).

    One place for these messages, so the CLI (refusing before it uploads anything)
    and the controller's planner (refusing for any API caller) say the same."""
    if d.kind == "container":
        return NotSupportedError(f'placement "{d.text}": containers are not supported by the local provider',
                                 directive=d.text)
    if d.kind == "zone":
        return NotSupportedError(f'placement "{d.text}": availability zones are not supported by the local '
                                 "provider", directive=d.text)
    if d.kind == "provider":
        return NotSupportedError(f'placement "{d.text}": provider host placement is not supported by the '
                                 "local provider", directive=d.text)
    if d.kind == "application":
        return InvalidArgumentError(
            f'placement "{d.text}": co-location with an application is only possible in a bundle; '
            f"name one of its units instead (e.g. --to {d.application}/0)", directive=d.text)
    return None


def split_directives(to: str | None) -> list[str]:
    """``--to 0,new,app/1`` → ``["0", "new", "app/1"]``.

    Each is parsed, and one pyjuju cannot honour (``lxd:0``, ``zone=a``, a bare
    application) is refused here, before anything is sent or uploaded."""
    out = [item.strip() for item in (to or "").split(",") if item.strip()]
    for item in out:
        err = refusal(parse_directive(item))
        if err is not None:
            raise err
    return out
