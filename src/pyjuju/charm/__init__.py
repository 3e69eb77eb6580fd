"""Charm loading, validation and packing.

One parser shared by the CLI, the controller and the unit agent, so they agree
on what a charm is. Everything here reads files and returns frozen values; it
imports nothing of pyjuju but :mod:`pyjuju.core`. Packing a source tree is the
exception that runs things: :mod:`.parts` says what a ``charmcraft.yaml``'s
parts are, :mod:`.lifecycle` runs them (``charmplugin``, ``uvplugin``, and
``craftctl`` for their scripts) and :mod:`.pack` zips the result.

Errors (all from :mod:`pyjuju.core.errors`)::

    CharmError          a charm file is malformed; details: file, field
    CharmNotFoundError  load_charm() was given a path that does not exist
    ConfigError         a config value does not fit its option (details: key)
    InvalidArgumentError  pack_source_tree() was given an unusable interpreter
"""

from __future__ import annotations

from .actions import ActionSpec, is_valid_action_name, parse_actions_yaml
from .archive import build_archive, extract_archive, sha256_file
from .charmcraft import CharmcraftProject, host_architecture, split_charmcraft
from .config import OPTION_TYPES, ConfigOption, ConfigSchema, parse_config_yaml
from .loader import Charm, is_source_tree, load_charm
from .meta import (
    IMPLICIT_ENDPOINTS,
    CharmMeta,
    Endpoint,
    ResourceSpec,
    StorageSpec,
    is_valid_charm_name,
    parse_metadata,
)
from .pack import DISPATCH_TEMPLATE, pack_source_tree

__all__ = [
    "DISPATCH_TEMPLATE",
    "IMPLICIT_ENDPOINTS",
    "OPTION_TYPES",
    "ActionSpec",
    "Charm",
    "CharmMeta",
    "CharmcraftProject",
    "ConfigOption",
    "ConfigSchema",
    "Endpoint",
    "ResourceSpec",
    "StorageSpec",
    "build_archive",
    "extract_archive",
    "host_architecture",
    "is_source_tree",
    "is_valid_action_name",
    "is_valid_charm_name",
    "load_charm",
    "pack_source_tree",
    "parse_actions_yaml",
    "parse_config_yaml",
    "parse_metadata",
    "sha256_file",
    "split_charmcraft",
]
