#!/usr/bin/env python3
"""ops-db: provides "db" (kvdb) through application and unit relation bags."""

import hashlib
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


def password_for(app: str) -> str:
    """Stable across leaders: derived from the application name."""
    return hashlib.sha256(f"kvdb-password:{app}".encode()).hexdigest()[:24]


class OpsDbCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        record(" ".join(os.environ.get(v) or "-" for v in HOOK_VARS))
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.db_relation_created, self._on_db_created)
        framework.observe(self.on.db_relation_joined, self._on_db_joined)
        for event in (
            self.on.cluster_relation_created,
            self.on.cluster_relation_joined,
            self.on.cluster_relation_changed,
            self.on.cluster_relation_departed,
        ):
            framework.observe(event, self._on_cluster)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.status = ops.ActiveStatus("db ready")

    def _on_leader_elected(self, event: ops.LeaderElectedEvent) -> None:
        peers = self.model.get_relation("cluster")
        if peers is not None:
            peers.data[self.app]["leader"] = self.unit.name

    def _on_db_created(self, event: ops.RelationCreatedEvent) -> None:
        if not self.unit.is_leader():
            return
        event.relation.data[self.app].update(
            {"password": password_for(self.app.name), "dbname": f"{self.app.name}-db"}
        )

    def _on_db_joined(self, event: ops.RelationJoinedEvent) -> None:
        binding = self.model.get_binding(event.relation)
        assert binding is not None
        host = str(binding.network.bind_address)
        event.relation.data[self.unit].update({"host": host, "port": "5432"})

    def _on_cluster(self, event: ops.RelationEvent) -> None:
        departing = getattr(event, "departing_unit", None)
        write_json(
            "seen-peers.json",
            sorted(u.name for u in event.relation.units if u != departing),
        )


if __name__ == "__main__":
    ops.main(OpsDbCharm)
    # Reached only if the dispatch succeeded (a failing handler raises).
    record(f"END {HOOK}")
