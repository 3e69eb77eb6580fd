"""Assemble the CLI: each command's module is imported only when that command runs.

A command needs its own module and what it imports; loading all of them (charm
packing, bundles, the wait-query language...) for every call would add tens of
milliseconds to each ``pyjuju`` invocation, and tools like jubilant make many.
``--help`` and :func:`load_all` still import everything. A unit test checks this
table against what the modules really register.
"""

from __future__ import annotations

import importlib

from .app import cli

COMMANDS: dict[str, tuple[str, ...]] = {
    "apps": (
        "add-unit", "config", "remove-application", "remove-unit", "resolve", "resolved",
        "show-application",
    ),
    "bundle": (
        "diff-bundle", "export-bundle",
    ),
    "compat": (
        "add-cloud", "add-credential", "add-machine", "add-ssh-key", "clouds", "consume",
        "credentials", "find-offers", "install-shim", "model-constraints", "offer", "offers",
        "remove-cloud", "remove-offer", "remove-ssh-key", "scale-application",
        "set-model-constraints", "show-cloud", "ssh-keys", "trust", "update-cloud", "version",
    ),
    "controllers": (
        "bootstrap", "controllers", "destroy-controller", "kill-controller",
    ),
    "deploy": (
        "add-storage", "attach-resource", "deploy", "pack", "refresh", "resources", "storage",
    ),
    "logs": (
        "debug-log",
    ),
    "machines": (
        "constraints", "expose", "get-constraints", "remove-machine", "set-constraints",
        "unexpose",
    ),
    "models": (
        "add-model", "destroy-model", "model-config", "models", "show-model", "switch",
    ),
    "operations": (
        "exec", "operations", "run", "show-operation", "show-task",
    ),
    "relations": (
        "add-relation", "integrate", "relate", "remove-relation",
    ),
    "secrets": (
        "add-secret", "grant-secret", "remove-secret", "revoke-secret", "secrets", "show-secret",
        "update-secret",
    ),
    "startstop": (
        "start-controller", "stop-controller",
    ),
    "ssh": (
        "scp", "ssh",
    ),
    "status": (
        "list-machines", "machines", "show-machine", "show-unit", "status",
    ),
    "waiting": (
        "wait", "wait-for",
    ),
}


def load_all() -> None:
    """Import every command module (for ``--help``, completion and tests)."""
    for module in COMMANDS:
        importlib.import_module(f"{__package__}.commands.{module}")


cli.lazy_commands = {name: f"{__package__}.commands.{module}"
                     for module, names in COMMANDS.items() for name in names}
cli.load_all = load_all

__all__ = ["COMMANDS", "cli", "load_all"]
