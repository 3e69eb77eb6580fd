#!/usr/bin/env python3
"""ops-split: uses what the charmcraft parts put in the charm, at run time."""

import json
import os
import pathlib
import sys

import ops

CHARM_DIR = pathlib.Path(os.environ.get("JUJU_CHARM_DIR", "."))


def found() -> dict[str, str]:
    """The wheel the nil part downloaded, imported from the wheelhouse, and the dumped template."""
    (wheel,) = sorted((CHARM_DIR / "wheelhouse").glob("six-*.whl"))
    sys.path.insert(0, str(wheel))  # a wheel is a zip: importable as it is
    import six

    motd = (CHARM_DIR / "templates" / "motd.txt").read_text().strip()
    return {"wheel": wheel.name, "six": six.__version__, "six-file": six.__file__, "motd": motd}


class OpsSplitCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.install, self._on_change)
        framework.observe(self.on.config_changed, self._on_change)
        framework.observe(self.on.start, self._on_change)
        framework.observe(self.on.report_action, self._on_report)

    def _on_change(self, _event: ops.EventBase) -> None:
        info = found()
        (CHARM_DIR / "runtime.json").write_text(json.dumps(info, sort_keys=True) + "\n")
        greeting = self.config["greeting"]
        self.unit.status = ops.ActiveStatus(f"{greeting}: six {info['six']} from wheelhouse, motd {info['motd']}")

    def _on_report(self, event: ops.ActionEvent) -> None:
        event.set_results(found())


if __name__ == "__main__":
    ops.main(OpsSplitCharm)
