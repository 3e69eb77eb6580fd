"""Splitting the unified ``charmcraft.yaml`` into the files a runtime reads.

``charmcraft pack`` turns one ``charmcraft.yaml`` into ``metadata.yaml``,
``config.yaml``, ``actions.yaml`` and ``manifest.yaml``. Both the loader (for a
charm directory in unified form) and the packer need that split, and both must
refuse a key defined twice, as charmcraft does, so it lives here once.
"""

from __future__ import annotations

import dataclasses
import platform
from typing import Any

from ._common import charm_error, expect_list, expect_mapping, expect_str, type_name

__all__ = ["CharmcraftProject", "host_architecture", "merge_legacy_files", "split_charmcraft"]

CHARMCRAFT_FILE = "charmcraft.yaml"

# charmcraft.yaml keys copied verbatim into metadata.yaml.
_METADATA_KEYS = (
    "name",
    "summary",
    "description",
    "assumes",
    "charm-user",
    "containers",
    "devices",
    "extra-bindings",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
)
# charmcraft.yaml key -> metadata.yaml key, for keys that are renamed.
_RENAMED = {"title": "display-name"}
# links.<key> -> metadata.yaml key.
_LINKS = {
    "contact": "maintainers",
    "documentation": "docs",
    "issues": "issues",
    "source": "source",
    "website": "website",
}
_ARCHES = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv7l": "armhf",
    "ppc64le": "ppc64el",
    "s390x": "s390x",
    "riscv64": "riscv64",
}


def host_architecture() -> str:
    """This machine's architecture in Debian spelling (``amd64``, ``arm64``...)."""
    machine = platform.machine().lower()
    return _ARCHES.get(machine, machine)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CharmcraftProject:
    """``charmcraft.yaml`` split into the documents a packed charm contains."""

    type: str | None
    metadata: dict[str, Any]
    """metadata.yaml keys found in charmcraft.yaml (empty for the legacy form)."""
    metadata_sources: dict[str, str]
    """metadata key -> the charmcraft.yaml key it came from (for error messages)."""
    config: dict[str, Any] | None
    """The ``config`` section (``{"options": ...}``), or None if absent."""
    actions: dict[str, Any] | None
    """The ``actions`` section, or None if absent."""
    bases: list[dict[str, Any]]
    """manifest.yaml ``bases``: ``[{name, channel, architectures}]``."""


def split_charmcraft(data: Any, file: str = CHARMCRAFT_FILE) -> CharmcraftProject:
    """Split a loaded ``charmcraft.yaml`` the way ``charmcraft pack`` does.

    Raises:
        CharmError: for a malformed document, naming ``file`` and the field.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise charm_error(file, "", f"expected a mapping, got {type_name(data)}")
    doc = expect_mapping(data, file, "")
    kind = doc.get("type")
    if kind is not None and kind not in ("charm", "bundle"):
        raise charm_error(file, "type", f'expected "charm" or "bundle", got {kind!r}')

    metadata: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key in _METADATA_KEYS:
        if key in doc:
            metadata[key] = doc[key]
            sources[key] = key
    for key, target in _RENAMED.items():
        if key in doc:
            metadata[target] = doc[key]
            sources[target] = key
    if doc.get("links") is not None:
        for key, value in expect_mapping(doc["links"], file, "links").items():
            if key in _LINKS and value is not None:
                target = _LINKS[key]
                if target == "maintainers" and isinstance(value, str):
                    value = [value]
                metadata[target] = value
                sources[target] = f"links.{key}"

    config = None
    if "config" in doc:
        config = expect_mapping(doc["config"], file, "config")
    actions = None
    if "actions" in doc:
        actions = expect_mapping(doc["actions"], file, "actions")

    return CharmcraftProject(
        type=kind,
        metadata=metadata,
        metadata_sources=sources,
        config=config,
        actions=actions,
        bases=_manifest_bases(doc, file),
    )


def merge_legacy_files(
    project: CharmcraftProject,
    *,
    metadata: dict[str, Any] | None,
    config_present: bool,
    actions_present: bool,
    file: str = CHARMCRAFT_FILE,
) -> dict[str, Any]:
    """Combine charmcraft.yaml metadata with a legacy ``metadata.yaml``.

    Charmcraft lets a project keep ``metadata.yaml``/``config.yaml``/
    ``actions.yaml`` next to ``charmcraft.yaml`` but refuses any key defined in
    both places, since which one wins would be a guess.

    Returns:
        The merged metadata document.

    Raises:
        CharmError: naming charmcraft.yaml's key and the other file.
    """
    merged = dict(metadata or {})
    for key, value in project.metadata.items():
        if key in merged:
            source = project.metadata_sources.get(key, key)
            raise charm_error(
                file, source, "also defined in metadata.yaml", other_file="metadata.yaml"
            )
        merged[key] = value
    if project.config is not None and config_present:
        raise charm_error(file, "config", "also defined in config.yaml", other_file="config.yaml")
    if project.actions is not None and actions_present:
        raise charm_error(
            file, "actions", "also defined in actions.yaml", other_file="actions.yaml"
        )
    return merged


def _parse_base(text: Any, file: str, field: str) -> tuple[str, str]:
    expect_str(text, file, field)
    name, sep, channel = text.partition("@")
    if not sep or not name or not channel:
        raise charm_error(
            file, field, f'expected "<name>@<channel>" like "ubuntu@24.04", got {text!r}'
        )
    return name, channel


def _manifest_bases(doc: dict[str, Any], file: str) -> list[dict[str, Any]]:
    """The ``bases`` list of manifest.yaml, from ``base``+``platforms`` or ``bases``."""
    grouped: dict[tuple[str, str], list[str]] = {}

    def add(name: str, channel: str, arch: str) -> None:
        arches = grouped.setdefault((name, str(channel)), [])
        if arch not in arches:
            arches.append(arch)

    if doc.get("bases") is not None:
        for i, entry in enumerate(expect_list(doc["bases"], file, "bases")):
            field = f"bases[{i}]"
            entry = expect_mapping(entry, file, field, allow_none=False)
            # Long form lists run-on bases; the short form is its own run-on base.
            run_on = entry["run-on"] if "run-on" in entry else [entry]
            for j, base in enumerate(expect_list(run_on, file, f"{field}.run-on")):
                bfield = f"{field}.run-on[{j}]" if "run-on" in entry else field
                base = expect_mapping(base, file, bfield, allow_none=False)
                for key in ("name", "channel"):
                    if base.get(key) is None:
                        raise charm_error(file, f"{bfield}.{key}", "missing")
                arches = base.get("architectures") or [host_architecture()]
                for arch in expect_list(arches, file, f"{bfield}.architectures"):
                    add(str(base["name"]), str(base["channel"]), str(arch))
        return [_base_dict(k, v) for k, v in grouped.items()]

    default_base = None
    if doc.get("base") is not None:
        default_base = _parse_base(doc["base"], file, "base")
    platforms = doc.get("platforms")
    if platforms is None:
        if default_base is not None:
            add(*default_base, host_architecture())
        return [_base_dict(k, v) for k, v in grouped.items()]
    for key, value in expect_mapping(platforms, file, "platforms").items():
        field = f"platforms.{key}"
        if value is None:
            targets = [key]
        else:
            value = expect_mapping(value, file, field)
            targets = value.get("build-for") or [key]
            if isinstance(targets, str):
                targets = [targets]
            expect_list(targets, file, f"{field}.build-for")
        for target in targets:
            base_text, sep, arch = str(target).rpartition(":")
            if sep:
                base = _parse_base(base_text, file, field)
            elif default_base is not None:
                base = default_base
            else:
                raise charm_error(file, field, 'no "base" for this platform: use "<base>:<arch>"')
            add(*base, arch)
    return [_base_dict(k, v) for k, v in grouped.items()]


def _base_dict(key: tuple[str, str], arches: list[str]) -> dict[str, Any]:
    return {"name": key[0], "channel": key[1], "architectures": list(arches)}
