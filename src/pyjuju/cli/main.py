"""Assemble the CLI: importing the command modules registers their commands."""

from __future__ import annotations

from .app import cli
from .commands import (  # noqa: F401
    apps,
    controllers,
    deploy,
    logs,
    models,
    operations,
    relations,
    secrets,
    status,
    waiting,
)

__all__ = ["cli"]
