#!/usr/bin/env python3
"""charmhelpers test charm: one script for every hook, dispatching on the hook name."""

import json
import os

from charmhelpers.core import hookenv

CHARM_DIR = hookenv.charm_dir()


def record(line):
    with open(os.path.join(CHARM_DIR, "hooks.log"), "a") as f:
        f.write(line + "\n")


def write_file(name, text):
    with open(os.path.join(CHARM_DIR, name), "w") as f:
        f.write(text)


def install():
    hookenv.application_version_set("4.5.6")


def leader_elected():
    hookenv.leader_set(elected=hookenv.local_unit())


def leader_settings_changed():
    write_file("leader-settings.json", json.dumps(hookenv.leader_get(), sort_keys=True) + "\n")


def config_changed():
    config = hookenv.config()
    write_file("config.json", json.dumps(dict(config), sort_keys=True) + "\n")
    write_file("address.txt", hookenv.unit_get("private-address") + "\n")
    port = int(config["port"])
    for opened in hookenv.opened_ports():  # e.g. "8080/tcp"; this charm opens TCP only
        if opened != f"{port}/tcp":
            number, _, protocol = opened.partition("/")
            hookenv.close_port(number, protocol.upper())
    hookenv.open_port(port)
    hookenv.status_set("active", f"charmhelpers greeting={config['greeting']}")


HANDLERS = {
    "install": install,
    "leader-elected": leader_elected,
    "leader-settings-changed": leader_settings_changed,
    "config-changed": config_changed,
}


def main():
    hook = hookenv.hook_name()
    record(hook)
    hookenv.log(f"running {hook} hook")
    write_file("leader.json", json.dumps(hookenv.is_leader()) + "\n")
    handler = HANDLERS.get(hook)
    if handler is not None:
        handler()
    record(f"END {hook}")


if __name__ == "__main__":
    main()
