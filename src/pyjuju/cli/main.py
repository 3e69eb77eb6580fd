"""Assemble the CLI: importing the command modules registers their commands."""

from __future__ import annotations

from .app import cli
from .commands import apps, controllers, deploy, logs, models, operations, relations, status  # noqa: F401

__all__ = ["cli"]
