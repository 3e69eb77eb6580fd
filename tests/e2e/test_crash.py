"""A machine agent killed with SIGKILL mid-hook: the hook runs again exactly once."""

from __future__ import annotations

import json
import os
import signal
import textwrap
import time
from pathlib import Path

from .harness import Juju

HOOK = textwrap.dedent(
    """\
    #!/bin/bash
    echo "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"
    if [ "$JUJU_HOOK_NAME" = install ]; then
        state-set installed=yes
        open-port 7000/tcp
    fi
    if [ "$JUJU_HOOK_NAME" = config-changed ] && [ "$(config-get slow)" = True ] \\
            && [ ! -e "$JUJU_CHARM_DIR/slept" ]; then
        touch "$JUJU_CHARM_DIR/slept"
        sleep 60
    fi
    echo "END $JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"
    """
)


def make_charm(root: Path) -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text("name: crashy\nsummary: s\ndescription: d\n")
    (root / "config.yaml").write_text("options:\n  slow: {type: boolean, default: false}\n")
    for hook in ("install", "config-changed", "start", "leader-elected", "stop", "remove"):
        p = root / "hooks" / hook
        p.write_text(HOOK)
        p.chmod(0o755)
    return root


def agent_pid(juju: Juju, unit: str) -> int:
    machine_dir = juju.unit_dir(unit).parent.parent
    needle = str(machine_dir / "agent.json").encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline and b"pyjuju.cmd.agent" in cmdline and not cmdline.startswith(b"ip\0"):
            return int(pid)
    raise AssertionError(f"no machine agent process for {unit}")


def test_sigkill_mid_hook_reruns_it_once(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(make_charm(tmp_path / "crashy")))
    juju.wait_idle(["crashy"])
    log = juju.charm_file("crashy/0", "hooks.log")
    before = log.read_text().split("\n")

    juju.cli("config", "crashy", "slow=true")
    deadline = time.monotonic() + 60
    while not juju.charm_file("crashy/0", "slept").exists():
        assert time.monotonic() < deadline, "config-changed never started"
        time.sleep(0.1)
    old = agent_pid(juju, "crashy/0")
    os.kill(old, signal.SIGKILL)

    # The controller supervises its machines' agents and restarts this one.
    st = juju.wait(
        lambda s: s["applications"]["crashy"]["units"]["crashy/0"]["juju-status"]["current"] == "idle"
        and log.read_text().count("END config-changed") >= 2,
        timeout=90,
        what="the interrupted config-changed to run again",
    )
    assert agent_pid(juju, "crashy/0") != old
    after = log.read_text().split("\n")[len(before) - 1 :]
    assert [line for line in after if "config-changed" in line] == [
        "config-changed",  # the run that was killed: started, never finished
        "config-changed",  # the re-run
        "END config-changed",
    ]
    # What earlier hooks committed survived the crash.
    unit = st["applications"]["crashy"]["units"]["crashy/0"]
    assert unit["open-ports"] == ["7000/tcp"]
    # And the unit keeps working afterwards.
    juju.cli("config", "crashy", "slow=false")
    juju.wait(lambda s: log.read_text().count("END config-changed") >= 3, what="another config-changed")


RELATION_HOOK = textwrap.dedent(
    """\
    #!/bin/bash
    if [ "$JUJU_HOOK_NAME" = pipe-relation-changed ] && [ -n "$JUJU_REMOTE_UNIT" ] \\
            && [ "${JUJU_UNIT_NAME%/*}" = left ] && [ ! -e "$JUJU_CHARM_DIR/slept" ]; then
        # The first relation-changed stalls before doing anything, so the agent
        # is killed after relation-joined committed and before changed had any effect.
        touch "$JUJU_CHARM_DIR/slept"
        sleep 60
    fi
    echo "$JUJU_HOOK_NAME $JUJU_REMOTE_UNIT" >> "$JUJU_CHARM_DIR/hooks.log"
    if [ "$JUJU_HOOK_NAME" = pipe-relation-joined ]; then relation-set side="$JUJU_UNIT_NAME"; fi
    """
)


def relation_charm(root: Path, name: str, role: str) -> Path:
    (root / "hooks").mkdir(parents=True)
    (root / "metadata.yaml").write_text(
        f"name: {name}\nsummary: s\ndescription: d\n{role}:\n  pipe:\n    interface: pipe\n"
    )
    for hook in ("install", "config-changed", "start", "leader-elected", "stop", "remove",
                 "pipe-relation-created", "pipe-relation-joined", "pipe-relation-changed",
                 "pipe-relation-departed", "pipe-relation-broken"):
        p = root / "hooks" / hook
        p.write_text(RELATION_HOOK)
        p.chmod(0o755)
    return root


def test_sigkill_between_joined_and_changed(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(relation_charm(tmp_path / "left", "left", "requires")))
    juju.cli("deploy", str(relation_charm(tmp_path / "right", "right", "provides")))
    juju.wait_idle(["left", "right"])
    juju.cli("integrate", "left", "right")
    deadline = time.monotonic() + 60
    while not juju.charm_file("left/0", "slept").exists():
        assert time.monotonic() < deadline, "relation-changed never started on left/0"
        time.sleep(0.1)
    log = juju.charm_file("left/0", "hooks.log")
    assert [ln for ln in log.read_text().splitlines() if ln.startswith("pipe-")] == [
        "pipe-relation-created ",
        "pipe-relation-joined right/0",
    ]
    os.kill(agent_pid(juju, "left/0"), signal.SIGKILL)

    def settled(st: dict) -> bool:
        lines = [ln for ln in log.read_text().splitlines() if ln.startswith("pipe-")]
        unit = st["applications"]["left"]["units"]["left/0"]
        return unit["juju-status"]["current"] == "idle" and "pipe-relation-changed right/0" in lines

    juju.wait(settled, timeout=90, what="left/0 to resume after the crash")
    juju.wait_idle(["left", "right"])
    lines = [ln for ln in log.read_text().splitlines() if ln.startswith("pipe-")]
    # Nothing lost, nothing doubled: joined once, then the unit-level changed once
    # (plus the change that right/0's relation-set produced, which may have been
    # coalesced into the same hook).
    assert lines[:3] == ["pipe-relation-created ", "pipe-relation-joined right/0", "pipe-relation-changed right/0"]
    assert lines.count("pipe-relation-joined right/0") == 1
    assert 1 <= lines.count("pipe-relation-changed right/0") <= 2
    shown = json.loads(juju.cli("show-unit", "left/0", "--format", "json").stdout)
    info = shown["left/0"]["relation-info"][0]
    assert info["related-units"]["right/0"]["data"]["side"] == "right/0"
