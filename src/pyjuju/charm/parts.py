"""The ``parts`` of a ``charmcraft.yaml``: what each part is, checked before anything runs.

charmcraft builds a charm from parts (craft-parts): each part pulls a source,
builds it with a plugin or an ``override-build`` script, and the files it
installs are organised, staged and primed into the charm. ``pyjuju pack``
runs the same steps on this host (see :mod:`.lifecycle`), for what can run
here: the ``charm``, ``uv``, ``nil`` and ``dump`` plugins, local sources, and
``override-*`` scripts. Everything else (other plugins, remote sources,
``build-snaps``, ``stage-packages``...) is refused here, before any step runs,
with an error naming ``charmcraft.yaml``, the part and the key, so a charm is
never packed with a part silently skipped.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ._common import charm_error, expect_bool, expect_list, expect_mapping, expect_str, type_name
from .charmcraft import CHARMCRAFT_FILE

__all__ = ["PLUGINS", "STEPS", "CharmOptions", "PartSpec", "UvOptions", "parse_parts"]

PLUGINS = ("charm", "dump", "nil", "uv")
"""The plugins ``pyjuju pack`` runs."""
STEPS = ("pull", "build", "stage", "prime")

DEFAULT_PARTS: dict[str, Any] = {"charm": {"plugin": "charm", "source": "."}}
"""What charmcraft builds when ``charmcraft.yaml`` declares no parts."""

# Why the plugins charmcraft knows but pyjuju does not run are refused.
_REFUSED_PLUGINS = {
    "reactive": "it needs charm-tools (`charm build`); build the charm with it and deploy the result",
    "poetry": "it needs poetry; use the charm plugin with a requirements.txt "
              "(for example from `poetry export`)",
    "python": "use the charm plugin (with charm-requirements) instead",
    "bundle": "bundles are deployed from their YAML file, not packed",
}
_COMMON_KEYS = frozenset({
    "plugin", "source", "source-type", "source-subdir", "after", "build-environment",
    "build-packages", "build-snaps", "stage-packages", "stage-snaps", "organize", "stage", "prime",
    "override-pull", "override-build", "override-stage", "override-prime",
})
_UV_KEYS = frozenset({"uv-extras", "uv-groups", "python-keep-bins"})
_UV_SNAP = "astral-uv"
"""The uv plugin's build snap: pyjuju runs uv from PATH (or pip without it), so it is not needed."""
_CHARM_KEYS = frozenset({
    "charm-entrypoint", "charm-requirements", "charm-python-packages",
    "charm-binary-python-packages", "charm-strict-dependencies",
})
# Keys craft-parts knows whose effect pyjuju cannot give; each names why.
_UNSUPPORTED_KEYS = {
    "build-snaps": "snaps cannot be installed by pyjuju pack; install what they provide on this host "
                   "and drop the key, or build with charmcraft",
    "stage-snaps": "snaps cannot be unpacked into the charm by pyjuju pack",
    "stage-packages": "deb packages cannot be unpacked into the charm by pyjuju pack",
}
_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*://|git@|lp:)", re.IGNORECASE)
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip")
_PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[^\s=]+)?$")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CharmOptions:
    """The ``charm`` plugin's own keys."""

    entrypoint: str = "src/charm.py"
    requirements: tuple[str, ...] = ()
    """Requirements files; empty means ``requirements.txt`` if the source has one."""
    python_packages: tuple[str, ...] = ()
    binary_python_packages: tuple[str, ...] = ()
    strict_dependencies: bool = False


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UvOptions:
    """The ``uv`` plugin's own keys."""

    extras: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    keep_bins: bool = False


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PartSpec:
    """One part of ``charmcraft.yaml``, validated."""

    name: str
    plugin: str
    source: str | None = None
    """A path relative to the project (a directory or a local archive), or None."""
    source_subdir: str = ""
    after: tuple[str, ...] = ()
    build_environment: tuple[tuple[str, str], ...] = ()
    build_packages: tuple[str, ...] = ()
    organize: tuple[tuple[str, str], ...] = ()
    stage: tuple[str, ...] = ()
    prime: tuple[str, ...] = ()
    overrides: tuple[tuple[str, str], ...] = ()
    """(step, script) for each ``override-<step>`` given."""
    charm: CharmOptions | None = None
    """The charm plugin's options (None for other plugins)."""
    uv: UvOptions | None = None
    """The uv plugin's options (None for other plugins)."""

    def field(self, key: str) -> str:
        """The dotted key of this part's ``key`` in charmcraft.yaml, for errors."""
        return f"parts.{self.name}.{key}" if key else f"parts.{self.name}"

    def override(self, step: str) -> str | None:
        return dict(self.overrides).get(step)

    @property
    def source_is_archive(self) -> bool:
        return self.source is not None and self.source.endswith(_ARCHIVE_SUFFIXES)


def parse_parts(doc: dict[str, Any], file: str = CHARMCRAFT_FILE) -> tuple[PartSpec, ...]:
    """The parts of a loaded ``charmcraft.yaml``, in the order they are built.

    Parts are ordered by name, except that a part comes after every part in
    its ``after`` list (as craft-parts orders them).

    Raises:
        CharmError: naming ``file``, the part and the key, for a malformed
            part or one that cannot run on this host.
    """
    raw = doc.get("parts")
    if raw is None:
        raw = DEFAULT_PARTS
    parts_doc = expect_mapping(raw, file, "parts")
    if not parts_doc:
        raise charm_error(file, "parts", "no parts: nothing would be built")
    specs = {name: _parse_part(name, body, file) for name, body in parts_doc.items()}
    for spec in specs.values():
        for i, dep in enumerate(spec.after):
            if dep not in specs:
                raise charm_error(file, spec.field(f"after[{i}]"), f'no part named "{dep}"')
            if dep == spec.name:
                raise charm_error(file, spec.field(f"after[{i}]"), "a part cannot come after itself")
    return _ordered(specs, file)


def _ordered(specs: dict[str, PartSpec], file: str) -> tuple[PartSpec, ...]:
    done: list[PartSpec] = []
    placed: set[str] = set()
    while len(done) < len(specs):
        ready = sorted(n for n, s in specs.items() if n not in placed and set(s.after) <= placed)
        if not ready:
            cycle = sorted(n for n in specs if n not in placed)
            raise charm_error(file, f"parts.{cycle[0]}.after",
                              f"parts {', '.join(cycle)} wait for each other (a cycle in after)")
        done.append(specs[ready[0]])
        placed.add(ready[0])
    return tuple(done)


def _parse_part(name: str, body: Any, file: str) -> PartSpec:
    where = f"parts.{name}"
    part = expect_mapping(body, file, where)
    plugin = part.get("plugin")
    if plugin is None:
        if name not in PLUGINS and name not in _REFUSED_PLUGINS:
            raise charm_error(file, f"{where}.plugin", f'missing (and "{name}" is not a plugin name)')
        plugin = name  # craft-parts: a part named after a plugin uses it
    plugin = expect_str(plugin, file, f"{where}.plugin")
    if plugin in _REFUSED_PLUGINS:
        raise charm_error(file, f"{where}.plugin",
                          f'the "{plugin}" plugin cannot run in pyjuju pack: {_REFUSED_PLUGINS[plugin]}')
    if plugin not in PLUGINS:
        raise charm_error(file, f"{where}.plugin",
                          f'unknown plugin "{plugin}": pyjuju pack runs the {", ".join(PLUGINS)} plugins')

    allowed = _COMMON_KEYS | {"charm": _CHARM_KEYS, "uv": _UV_KEYS}.get(plugin, frozenset())
    for key, value in part.items():
        if key == "build-snaps" and plugin == "uv" and value == [_UV_SNAP]:
            continue
        if key in _UNSUPPORTED_KEYS and value:
            raise charm_error(file, f"{where}.{key}", f"{_UNSUPPORTED_KEYS[key]} ({_listed(value)})")
        if key not in allowed:
            owner = "charm" if key in _CHARM_KEYS else "uv" if key in _UV_KEYS else None
            hint = f' (a key of the "{owner}" plugin, and this part uses "{plugin}")' if owner else ""
            raise charm_error(file, f"{where}.{key}", f"unknown key{hint}")

    source = _source(part, plugin, file, where)
    overrides = []
    for step in STEPS:
        key = f"override-{step}"
        if part.get(key) is not None:
            overrides.append((step, expect_str(part[key], file, f"{where}.{key}")))
    return PartSpec(
        name=name,
        plugin=plugin,
        source=source,
        source_subdir=_relative(part.get("source-subdir"), file, f"{where}.source-subdir") or "",
        after=_str_tuple(part.get("after"), file, f"{where}.after"),
        build_environment=_environment(part.get("build-environment"), file, f"{where}.build-environment"),
        build_packages=_packages(part.get("build-packages"), file, f"{where}.build-packages"),
        organize=_organize(part.get("organize"), file, f"{where}.organize"),
        stage=_fileset(part.get("stage"), file, f"{where}.stage"),
        prime=_fileset(part.get("prime"), file, f"{where}.prime"),
        overrides=tuple(overrides),
        charm=_charm_options(part, file, where) if plugin == "charm" else None,
        uv=_uv_options(part, file, where) if plugin == "uv" else None,
    )


def _listed(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _source(part: dict[str, Any], plugin: str, file: str, where: str) -> str | None:
    kind = part.get("source-type")
    if kind is not None:
        kind = expect_str(kind, file, f"{where}.source-type")
        if kind not in ("local", "tar", "zip"):
            raise charm_error(file, f"{where}.source-type",
                              f'"{kind}" sources cannot be fetched by pyjuju pack: '
                              "only local directories and archives are supported")
    source = part.get("source")
    if source is None:
        # The charm plugin builds the project itself unless told otherwise.
        return "." if plugin == "charm" else None
    source = expect_str(source, file, f"{where}.source")
    if _REMOTE.match(source):
        raise charm_error(file, f"{where}.source",
                          f'remote source "{source}" cannot be fetched by pyjuju pack: '
                          "put it in the project and name its path")
    return _relative(source, file, f"{where}.source", allow_dot=True)


def _relative(value: Any, file: str, field: str, *, allow_dot: bool = False) -> str | None:
    if value is None:
        return None
    text = expect_str(value, file, field).strip()
    if not text or text.startswith("/") or ".." in text.split("/"):
        if allow_dot and text in (".", "./"):
            return "."
        raise charm_error(file, field, f"expected a path inside the project, got {value!r}")
    return text.rstrip("/") or "."


def _str_tuple(value: Any, file: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = expect_list(value, file, field)
    for i, item in enumerate(items):
        if isinstance(item, dict):
            raise charm_error(file, f"{field}[{i}]",
                              "grammar entries (on/to/else) are not supported by pyjuju pack: "
                              "list plain strings")
        expect_str(item, file, f"{field}[{i}]")
    return tuple(items)


def _packages(value: Any, file: str, field: str) -> tuple[str, ...]:
    names = _str_tuple(value, file, field)
    for i, name in enumerate(names):
        if not _PACKAGE.match(name):
            raise charm_error(file, f"{field}[{i}]", f"not a package name: {name!r}")
    return names


def _fileset(value: Any, file: str, field: str) -> tuple[str, ...]:
    entries = _str_tuple(value, file, field)
    for i, entry in enumerate(entries):
        path = entry[1:] if entry.startswith("-") else entry
        if not path or path.startswith("/") or ".." in path.split("/"):
            raise charm_error(file, f"{field}[{i}]", f"expected a relative path or pattern, got {entry!r}")
    return entries


def _organize(value: Any, file: str, field: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    mapping = expect_mapping(value, file, field)
    out = []
    for src, dest in mapping.items():
        _relative(src, file, f"{field}.{src}")
        dest = expect_str(dest, file, f"{field}.{src}")
        if not dest.strip() or dest.startswith("/") or ".." in dest.split("/"):
            raise charm_error(file, f"{field}.{src}", f"expected a path inside the part, got {dest!r}")
        out.append((src, dest))
    return tuple(out)


def _environment(value: Any, file: str, field: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    out = []
    for i, entry in enumerate(expect_list(value, file, field)):
        if not isinstance(entry, dict) or len(entry) != 1:
            raise charm_error(file, f"{field}[{i}]",
                              f"expected a one-key mapping like {{NAME: value}}, got {type_name(entry)}")
        ((key, val),) = entry.items()
        if not isinstance(key, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise charm_error(file, f"{field}[{i}]", f"not a variable name: {key!r}")
        if isinstance(val, bool) or val is None or isinstance(val, (dict, list)):
            raise charm_error(file, f"{field}[{i}].{key}", f"expected a string, got {type_name(val)}")
        out.append((key, str(val)))
    return tuple(out)


def _charm_options(part: dict[str, Any], file: str, where: str) -> CharmOptions:
    entry = _relative(part.get("charm-entrypoint") or "src/charm.py", file, f"{where}.charm-entrypoint")
    strict = part.get("charm-strict-dependencies", False)
    options = CharmOptions(
        entrypoint=entry or "src/charm.py",
        requirements=_str_tuple(part.get("charm-requirements"), file, f"{where}.charm-requirements"),
        python_packages=_str_tuple(part.get("charm-python-packages"), file, f"{where}.charm-python-packages"),
        binary_python_packages=_str_tuple(
            part.get("charm-binary-python-packages"), file, f"{where}.charm-binary-python-packages"
        ),
        strict_dependencies=expect_bool(strict, file, f"{where}.charm-strict-dependencies"),
    )
    if options.strict_dependencies and options.python_packages:
        raise charm_error(file, f"{where}.charm-python-packages",
                          "must not be set when charm-strict-dependencies is true")
    return options


def _uv_options(part: dict[str, Any], file: str, where: str) -> UvOptions:
    return UvOptions(
        extras=_str_tuple(part.get("uv-extras"), file, f"{where}.uv-extras"),
        groups=_str_tuple(part.get("uv-groups"), file, f"{where}.uv-groups"),
        keep_bins=expect_bool(part.get("python-keep-bins", False), file, f"{where}.python-keep-bins"),
    )
