#!/usr/bin/env python3
"""ops-app: requires "db" (kvdb, limit 1) and reports what the provider shared."""

import json
import os
import pathlib

import ops

CHARM_DIR = pathlib.Path(os.environ.get("JUJU_CHARM_DIR", "."))
HOOK = os.environ.get("JUJU_HOOK_NAME", "")
HOOK_VARS = ("JUJU_HOOK_NAME", "JUJU_RELATION_ID", "JUJU_REMOTE_UNIT", "JUJU_REMOTE_APP",
             "JUJU_DEPARTING_UNIT")


def record(line: str) -> None:
    with open(CHARM_DIR / "hooks.log", "a") as f:
        f.write(line + "\n")


def write_json(name: str, value: object) -> None:
    (CHARM_DIR / name).write_text(json.dumps(value, sort_keys=True) + "\n")


class OpsAppCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        record(" ".join(os.environ.get(v) or "-" for v in HOOK_VARS))
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.db_relation_changed, self._on_db_changed)
        framework.observe(self.on.db_relation_departed, self._on_db_changed)
        framework.observe(self.on.db_relation_broken, self._on_db_broken)
        for event in (
            self.on.cluster_relation_created,
            self.on.cluster_relation_joined,
            self.on.cluster_relation_changed,
            self.on.cluster_relation_departed,
        ):
            framework.observe(event, self._on_cluster)

    def _on_start(self, event: ops.StartEvent) -> None:
        if self.model.get_relation("db") is None:
            self.unit.status = ops.BlockedStatus("no db")

    def _on_leader_elected(self, event: ops.LeaderElectedEvent) -> None:
        peers = self.model.get_relation("cluster")
        if peers is not None:
            peers.data[self.app]["leader"] = self.unit.name

    def _on_db_changed(self, event: ops.RelationEvent) -> None:
        relation = event.relation
        departing = getattr(event, "departing_unit", None)
        app_bag = dict(relation.data[relation.app]) if relation.app is not None else {}
        units = sorted((u for u in relation.units if u != departing), key=lambda u: u.name)
        unit_bags = {u.name: dict(relation.data[u]) for u in units}
        write_json(
            "seen.json",
            {
                "hook": HOOK,
                "relation-id": relation.id,
                "remote-app": relation.app.name if relation.app is not None else None,
                "app": app_bag,
                "units": unit_bags,
            },
        )
        password, dbname = app_bag.get("password"), app_bag.get("dbname")
        ready = [b for b in unit_bags.values() if b.get("host") and b.get("port")]
        if password and dbname and units and len(ready) == len(units):
            first = ready[0]
            self.unit.status = ops.ActiveStatus(
                f"db {dbname} at {first['host']}:{first['port']} user-pw-len={len(password)}"
            )
        else:
            self.unit.status = ops.WaitingStatus("waiting for db")

    def _on_db_broken(self, event: ops.RelationBrokenEvent) -> None:
        self.unit.status = ops.BlockedStatus("no db")

    def _on_cluster(self, event: ops.RelationEvent) -> None:
        departing = getattr(event, "departing_unit", None)
        write_json(
            "seen-peers.json",
            sorted(u.name for u in event.relation.units if u != departing),
        )


if __name__ == "__main__":
    ops.main(OpsAppCharm)
    # Reached only if the dispatch succeeded (a failing handler raises).
    record(f"END {HOOK}")
