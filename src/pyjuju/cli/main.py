"""Assemble the CLI: importing the command modules registers their commands."""

from __future__ import annotations

from .app import cli
from .commands import (  # noqa: F401
    apps,
    bundle,
    compat,
    controllers,
    deploy,
    logs,
    machines,
    models,
    operations,
    relations,
    secrets,
    ssh,
    status,
    waiting,
)

__all__ = ["cli"]
