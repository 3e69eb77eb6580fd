#!/usr/bin/env python3
"""ops test charm: records the hooks it runs, reports config in status."""

import json
import logging
import os
import pathlib

import ops

logger = logging.getLogger(__name__)

CHARM_DIR = pathlib.Path(os.environ.get("JUJU_CHARM_DIR", "."))
HOOK = os.environ.get("JUJU_HOOK_NAME", "")


def record(line: str) -> None:
    with open(CHARM_DIR / "hooks.log", "a") as f:
        f.write(line + "\n")


def write_json(name: str, value: object) -> None:
    (CHARM_DIR / name).write_text(json.dumps(value, sort_keys=True) + "\n")


class OpsCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        # Before the framework dispatches anything (ops may also re-emit
        # deferred events; this charm defers none).
        if HOOK:  # actions have an empty hook name
            record(HOOK)
        super().__init__(framework)
        self._stored.set_default(changes=0)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.update_status, self._on_noop)
        framework.observe(self.on.stop, self._on_noop)
        framework.observe(self.on.remove, self._on_noop)
        framework.observe(self.on.do_thing_action, self._on_do_thing)
        framework.observe(self.on.greet_action, self._on_greet)

    def _on_do_thing(self, event: ops.ActionEvent) -> None:
        if "error" in event.params:
            event.fail(f"failed with error: {event.params['error']}")
            return
        if "exception" in event.params:
            raise RuntimeError(f"exception: {event.params['exception']}")
        event.log("doing the thing")
        event.set_results({"thingy": "foo", "params": dict(event.params), "config": dict(self.config)})

    def _on_greet(self, event: ops.ActionEvent) -> None:
        event.set_results({"message": f"hello {event.params['name']}"})

    def _on_install(self, event: ops.InstallEvent) -> None:
        self.unit.set_workload_version("9.9")

    def _on_leader_elected(self, event: ops.LeaderElectedEvent) -> None:
        write_json("leader.json", self.unit.is_leader())

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        greeting = self.config["greeting"]
        port = int(self.config["port"])
        self.unit.set_ports(port)
        self._stored.changes += 1
        write_json("config.json", dict(self.config))
        write_json("state.json", {"changes": self._stored.changes})
        self.unit.status = ops.ActiveStatus(f"ops {ops.__version__} greeting={greeting}")

    def _on_start(self, event: ops.StartEvent) -> None:
        logger.info("started with greeting %s", self.config["greeting"])

    def _on_noop(self, event: ops.EventBase) -> None:
        pass


if __name__ == "__main__":
    ops.main(OpsCharm)
    # Reached only if the dispatch succeeded (a failing handler raises).
    if HOOK:
        record(f"END {HOOK}")
