"""Reading what the relation test charms record, and checking Juju's relation hook guarantees.

The charms of tests/charms/{ops-db,ops-app,bash-*} append one line per hook
to ``$JUJU_CHARM_DIR/hooks.log`` as their first action::

    <JUJU_HOOK_NAME> <JUJU_RELATION_ID> <JUJU_REMOTE_UNIT> <JUJU_REMOTE_APP> <JUJU_DEPARTING_UNIT>

(``-`` for an empty or unset variable) and ``END <JUJU_HOOK_NAME>`` as their
last, so a started hook without its END line did not finish.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from typing import IO, Any

from .charm_helpers import IGNORED_HOOKS
from .harness import CHARMS, Juju

RELATION_KINDS = ("created", "joined", "changed", "departed", "broken")


@dataclasses.dataclass(frozen=True)
class Run:
    hook: str
    relation_id: str
    """``JUJU_RELATION_ID`` (``endpoint:id``), ``""`` outside relation hooks."""
    remote_unit: str
    remote_app: str
    departing_unit: str
    finished: bool

    @property
    def kind(self) -> str:
        """``created`` … ``broken`` for relation hooks, else ``""``."""
        for k in RELATION_KINDS:
            if self.hook.endswith(f"-relation-{k}"):
                return k
        return ""

    @property
    def endpoint(self) -> str:
        return self.hook.rsplit("-relation-", 1)[0] if self.kind else ""

    def brief(self) -> str:
        """``joined(ops-db/0)``-style, for readable assertion messages."""
        who = self.remote_unit or "app" if self.kind == "changed" else self.remote_unit
        return f"{self.hook}({who})" if who else self.hook


def _field(v: str) -> str:
    return "" if v == "-" else v


def parse_runs(text: str) -> list[Run]:
    """``hooks.log`` text → the runs in order, update-status left out."""
    runs: list[Run] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("END "):
            name = line[len("END ") :]
            assert runs and runs[-1].hook == name and not runs[-1].finished, (
                f"{line!r} does not close the last started hook:\n{text}"
            )
            runs[-1] = dataclasses.replace(runs[-1], finished=True)
            continue
        parts = line.split(" ")
        assert len(parts) == 5, f"malformed hooks.log line {line!r}:\n{text}"
        hook, rid, ru, ra, du = parts
        runs.append(Run(hook, _field(rid), _field(ru), _field(ra), _field(du), False))
    return [r for r in runs if r.hook not in IGNORED_HOOKS]


# -- where units keep their files ---------------------------------------------------------
def find_unit(st: dict[str, Any], unit: str) -> tuple[dict[str, Any], str | None]:
    """``(unit doc, principal)`` for a principal or a subordinate unit (KeyError if absent)."""
    for app in st["applications"].values():
        for name, doc in (app.get("units") or {}).items():
            if name == unit:
                return doc, None
            for sub, sdoc in (doc.get("subordinates") or {}).items():
                if sub == unit:
                    return sdoc, name
    raise KeyError(unit)


def unit_dir(juju: Juju, unit: str, st: dict[str, Any] | None = None) -> Path:
    """Like ``Juju.unit_dir``, for subordinates too (they live on their principal's machine)."""
    st = st or juju.status()
    doc, principal = find_unit(st, unit)
    if principal is not None:
        doc, _ = find_unit(st, principal)
    inst = st["machines"][doc["machine"]]["instance-id"]
    root = juju.data_dir / "controllers" / juju.controller / "local" / "machines" / inst
    return root / "agents" / ("unit-" + unit.replace("/", "-"))


def charm_file(juju: Juju, unit: str, name: str, st: dict[str, Any] | None = None) -> Path:
    return unit_dir(juju, unit, st) / "charm" / name


def runs(juju: Juju, unit: str, st: dict[str, Any] | None = None) -> list[Run]:
    path = charm_file(juju, unit, "hooks.log", st)
    return parse_runs(path.read_text()) if path.exists() else []


def read_text(juju: Juju, unit: str, name: str, st: dict[str, Any] | None = None) -> str:
    return charm_file(juju, unit, name, st).read_text()


def read_json(juju: Juju, unit: str, name: str, st: dict[str, Any] | None = None) -> Any:
    return json.loads(read_text(juju, unit, name, st))


class KeptLog:
    """A unit's ``hooks.log`` held open, readable after the unit (and its directory) is gone."""

    def __init__(self, juju: Juju, unit: str, st: dict[str, Any] | None = None) -> None:
        self.unit = unit
        self._file: IO[str] = open(charm_file(juju, unit, "hooks.log", st))  # noqa: SIM115

    def runs(self) -> list[Run]:
        self._file.seek(0)
        return parse_runs(self._file.read())

    def close(self) -> None:
        self._file.close()


# -- status documents ---------------------------------------------------------------------
def units_of(st: dict[str, Any], app: str) -> list[str]:
    return sorted(st["applications"].get(app, {}).get("units") or {})


def leader_of(st: dict[str, Any], app: str) -> str:
    leaders = [
        u for u, d in (st["applications"][app].get("units") or {}).items() if d.get("leader")
    ]
    assert len(leaders) == 1, (app, leaders)
    return leaders[0]


def workload(st: dict[str, Any], unit: str) -> tuple[str, str]:
    doc, _ = find_unit(st, unit)
    ws = doc["workload-status"]
    return ws.get("current", ""), ws.get("message", "")


def units_idle(st: dict[str, Any], apps: list[str], counts: dict[str, int] | None = None) -> bool:
    """Every unit (subordinates included) of ``apps`` idle; with ``counts``, that many units."""
    for app in apps:
        doc = st["applications"].get(app)
        if doc is None:
            return False
        names = [n for n in all_units(st) if n.rsplit("/", 1)[0] == app]
        if counts is not None and len(names) != counts.get(app, len(names)):
            return False
        if not names:
            return False
        for name in names:
            udoc, _ = find_unit(st, name)
            if udoc["juju-status"].get("current") != "idle":
                return False
    return True


def all_units(st: dict[str, Any]) -> list[str]:
    out = []
    for app in st["applications"].values():
        for name, doc in (app.get("units") or {}).items():
            out.append(name)
            out.extend(doc.get("subordinates") or {})
    return sorted(out)


def without_timestamp(st: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in st.items() if k != "controller"}


def tabular_integrations(text: str) -> list[list[str]]:
    """The rows of the ``Integration provider  Requirer  Interface  Type  Message`` section."""
    rows: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("Integration provider"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            rows.append(line.split())
    return rows


def relation_info(juju: Juju, unit: str) -> list[dict[str, Any]]:
    doc = json.loads(juju.cli("show-unit", unit, "--format", "json").stdout)
    return doc[unit].get("relation-info") or []


def relation_id(juju: Juju, unit: str, endpoint: str) -> int:
    """The id of the one relation ``unit`` has on ``endpoint`` (from show-unit)."""
    ids = [r["relation-id"] for r in relation_info(juju, unit) if r["endpoint"] == endpoint]
    assert len(ids) == 1, (unit, endpoint, relation_info(juju, unit))
    return int(ids[0])


# -- the CLI ------------------------------------------------------------------------------
def copy_charm(tmp_path: Path, name: str, requirements: str | None = None) -> Path:
    """A copy of tests/charms/<name> (with requirements.txt rewritten, if given)."""
    dst = tmp_path / name
    if not dst.exists():
        shutil.copytree(CHARMS / name, dst, symlinks=True)
    if requirements is not None:
        (dst / "requirements.txt").write_text(requirements + "\n")
    return dst


def cli_fails(juju: Juju, *args: str) -> str:
    """Run a command that must fail; returns its stderr+stdout."""
    res = juju.cli(*args, check=False)
    assert res.returncode != 0, f"pyjuju {' '.join(args)} succeeded:\n{res.stdout}{res.stderr}"
    return res.stderr + res.stdout


def refused_without_change(juju: Juju, *args: str, error: str | re.Pattern[str]) -> str:
    """``args`` fails with ``error`` in its output and the model is exactly as before."""
    before = without_timestamp(juju.status())
    out = cli_fails(juju, *args)
    if isinstance(error, re.Pattern):
        assert error.search(out), (
            f"pyjuju {' '.join(args)}: {out!r} does not match {error.pattern!r}"
        )
    else:
        assert error in out, f"pyjuju {' '.join(args)}: {error!r} not in {out!r}"
    after = without_timestamp(juju.status())
    assert after == before, f"pyjuju {' '.join(args)} changed the model"
    return out


# -- Juju's per-relation ordering guarantees ---------------------
def check_relation_order(
    rs: list[Run],
    relation_id: str,
    *,
    remote_app: str,
    local_unit: str,
    peer: bool = False,
    complete: bool = False,
) -> list[Run]:
    """Check the hooks one unit ran for one relation; returns them.

    * ``relation-created`` comes first, once, with no remote unit;
    * for each remote unit X, ``joined(X)`` precedes every other hook about X
      and the next hook of this relation after it is ``changed(X)``;
    * ``departed(X)`` at most once, nothing about X after it;
      ``JUJU_DEPARTING_UNIT`` is X, or the local unit when that is leaving,
      and is set on no other hook;
    * ``broken`` (never for peers) has no remote unit, follows every
      ``departed`` for a joined unit and is the relation's last hook;
    * ``JUJU_REMOTE_APP`` is always the remote application; app-level
      ``changed`` has no remote unit.

    ``complete``: the relation is gone for this unit, so it must have ended
    with ``broken`` (non-peers) after departing every unit it joined.
    Otherwise a last hook still running is left out.
    """
    if rs and not rs[-1].finished and not complete:
        rs = rs[:-1]  # running right now: judged once it has finished
    mine = [r for r in rs if r.relation_id == relation_id]
    assert mine, f"{local_unit}: no hooks for relation {relation_id}"
    story = [r.brief() for r in mine]
    assert all(r.finished for r in mine), f"{local_unit}: unfinished hooks in {story}"
    assert mine[0].kind == "created", (
        f"{local_unit}: {relation_id} did not start with created: {story}"
    )
    assert [r.kind for r in mine].count("created") == 1, story
    joined: list[str] = []
    departed: list[str] = []
    for i, r in enumerate(mine):
        assert r.kind, (local_unit, r)
        assert r.relation_id.split(":")[0] == r.endpoint, (local_unit, r)
        assert r.remote_app == remote_app, f"{local_unit}: JUJU_REMOTE_APP of {r}"
        if r.kind in ("created", "broken"):
            assert r.remote_unit == "", f"{local_unit}: JUJU_REMOTE_UNIT set on {r}"
        if r.kind in ("joined", "departed"):
            assert r.remote_unit.rsplit("/", 1)[0] == remote_app, f"{local_unit}: {r}"
        if r.kind == "departed":
            assert r.departing_unit in (r.remote_unit, local_unit), f"{local_unit}: {r}"
        else:
            assert r.departing_unit == "", f"{local_unit}: JUJU_DEPARTING_UNIT set on {r}"
        if r.remote_unit:
            x = r.remote_unit
            assert x not in departed, f"{local_unit}: {r.brief()} after departed({x}): {story}"
            if r.kind == "joined":
                assert x not in joined, f"{local_unit}: joined({x}) twice: {story}"
                joined.append(x)
                nxt = mine[i + 1] if i + 1 < len(mine) else None
                if nxt is not None:
                    assert nxt.kind == "changed" and nxt.remote_unit == x, (
                        f"{local_unit}: joined({x}) not followed by changed({x}): {story}"
                    )
                else:
                    assert not complete, story
            else:
                assert x in joined, f"{local_unit}: {r.brief()} before joined({x}): {story}"
                if r.kind == "departed":
                    departed.append(x)
        if r.kind == "broken":
            assert not peer, f"{local_unit}: a peer relation ran broken: {story}"
            assert i == len(mine) - 1, f"{local_unit}: hooks after broken: {story}"
            assert sorted(departed) == sorted(joined), (
                f"{local_unit}: broken before departing every unit: {story}"
            )
    if complete:
        assert sorted(departed) == sorted(joined), f"{local_unit}: not every unit departed: {story}"
        if not peer:
            assert mine[-1].kind == "broken", (
                f"{local_unit}: {relation_id} did not end broken: {story}"
            )
    return mine


def relation_ids_in(rs: list[Run], endpoint: str) -> list[str]:
    """The distinct ``JUJU_RELATION_ID`` values of ``endpoint``'s hooks, in first-seen order."""
    out: list[str] = []
    for r in rs:
        if r.endpoint == endpoint and r.relation_id not in out:
            out.append(r.relation_id)
    return out
