"""``KEY=VALUE`` command-line arguments: settings for models and controllers, and charm config.

Shared by the commands that take them (add-model, model-config, bootstrap,
deploy, refresh, config) so that every command reads them the same way and no
command imports another for a parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..core.errors import InvalidArgumentError, UsageError


def parse_settings(items: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` strings, or YAML files of ``key: value`` (``--config``, ``--model-default``)."""
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            path = Path(item)
            if path.is_file():
                out.update(yaml.safe_load(path.read_text()) or {})
                continue
            raise UsageError(f'expected "key=value", got "{item}"')
        k, _, v = item.partition("=")
        out[k] = v
    return out


def parse_config_args(items: tuple[str, ...], app: str) -> tuple[dict[str, Any], dict[str, str]]:
    """``--config`` values of a charm: ``key=value`` strings, or YAML files keyed by application name.

    Returns typed values (from files) and strings (from the command line, parsed
    by option type later, as Juju does)."""
    values: dict[str, Any] = {}
    strings: dict[str, str] = {}
    for item in items:
        p = Path(item)
        if "=" not in item or (p.is_file() and item.endswith((".yaml", ".yml"))):
            if not p.is_file():
                raise UsageError(f'config file "{item}" not found')
            try:
                doc = yaml.safe_load(p.read_text()) or {}
            except yaml.YAMLError as e:
                raise InvalidArgumentError(f"{item}: invalid YAML: {e}") from None
            if not isinstance(doc, dict):
                raise InvalidArgumentError(f"{item}: expected a map of application name to options")
            if app in doc:
                section = doc[app]
            elif all(not isinstance(v, dict) for v in doc.values()):
                section = doc  # a flat map of options is accepted too
            else:
                raise InvalidArgumentError(f'{item}: no options for application "{app}"')
            if not isinstance(section, dict):
                raise InvalidArgumentError(f"{item}: options for {app} must be a map")
            values.update(section)
        else:
            key, _, value = item.partition("=")
            if not key:
                raise UsageError(f'expected "key=value", got "{item}"')
            strings[key] = value
    return values, strings
