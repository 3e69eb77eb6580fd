"""Loading a charm from a directory or a ``.charm`` archive.

The CLI (deploy), the controller (storing uploaded charms) and the unit agent
(running hooks) all read charms through :func:`load_charm`, so they agree on
what a charm is. An archive is read in place, member by member, because the
controller only needs the metadata of what it stores, not an expanded copy.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from pyjuju.core.errors import CharmError, CharmNotFoundError

from ._common import charm_error, load_yaml, type_name
from .actions import ActionSpec, parse_actions_yaml
from .charmcraft import CHARMCRAFT_FILE, CharmcraftProject, merge_legacy_files, split_charmcraft
from .config import ConfigSchema, parse_config_yaml
from .meta import CharmMeta, parse_metadata

__all__ = ["Charm", "is_source_tree", "load_charm"]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Charm:
    """A loaded charm: its parsed files plus what the runtime needs to run it."""

    path: Path
    """The directory, or the ``.charm`` archive itself (never an extracted copy)."""
    meta: CharmMeta
    config: ConfigSchema
    actions: dict[str, ActionSpec]
    has_dispatch: bool
    """Whether a ``dispatch`` entry point exists (then it runs every hook)."""
    hooks: tuple[str, ...] = ()
    """Names of the files in ``hooks/``, sorted."""
    revision: int | None = None
    """From a ``revision`` file (legacy local charms)."""
    version: str | None = None
    """First line of a ``version`` file, shown as the charm version."""
    manifest: dict[str, Any] | None = None
    """``manifest.yaml``, or for a unified charmcraft.yaml the bases it declares."""


class _Source:
    """Read access to the files of a charm, wherever they are stored."""

    def read(self, name: str) -> bytes | None:
        raise NotImplementedError

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def hooks(self) -> tuple[str, ...]:
        raise NotImplementedError


class _DirSource(_Source):
    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, name: str) -> bytes | None:
        target = self.root / name
        if not target.is_file():
            return None
        return target.read_bytes()

    def exists(self, name: str) -> bool:
        target = self.root / name
        return target.exists() or target.is_symlink()

    def hooks(self) -> tuple[str, ...]:
        hooks_dir = self.root / "hooks"
        if not hooks_dir.is_dir():
            return ()
        # Hooks are often symlinks to one script: list links, not only regular files.
        return tuple(sorted(p.name for p in hooks_dir.iterdir() if p.is_symlink() or p.is_file()))


class _ZipSource(_Source):
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            name = info.filename
            while name.startswith("./"):
                name = name[2:]
            self.members.setdefault(name, info)

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name)
        if info is None or info.is_dir():
            return None
        return self.archive.read(info)

    def exists(self, name: str) -> bool:
        return name in self.members

    def hooks(self) -> tuple[str, ...]:
        names = set()
        for name, info in self.members.items():
            parts = PurePosixPath(name).parts
            if len(parts) == 2 and parts[0] == "hooks" and not info.is_dir():
                names.add(parts[1])
        return tuple(sorted(names))


def is_source_tree(path: str | Path) -> bool:
    """Whether ``path`` is a charm *source* tree that must be packed before use.

    A packed charm has ``manifest.yaml`` (packing writes it) and is used as it
    is, and so is a hand-written charm directory (``metadata.yaml`` and
    ``hooks/``, perhaps with a ``charmcraft.yaml`` that only lists bases). A
    charmcraft project must be packed: one with only ``charmcraft.yaml`` plus
    ``src/`` (``charmcraft init``), and one that keeps ``metadata.yaml``,
    ``config.yaml`` and ``actions.yaml`` beside ``charmcraft.yaml`` but has
    ``parts`` to build (unless they are only the ``reactive`` part a built
    reactive charm keeps beside its ``hooks/``), or an entry point and no
    ``dispatch`` yet (its hooks could not run unpacked).
    """
    root = Path(path)
    cc_file = root / CHARMCRAFT_FILE
    if not root.is_dir() or not cc_file.is_file() or (root / "manifest.yaml").exists():
        return False
    try:
        data = load_yaml(cc_file.read_bytes(), CHARMCRAFT_FILE)
    except CharmError:
        # Let packing report the broken charmcraft.yaml, unless the directory is a charm as it is.
        return not (root / "metadata.yaml").exists()
    if not isinstance(data, dict) or data.get("type") == "bundle":
        return False
    if not (root / "metadata.yaml").exists():
        return (root / "src").is_dir() or data.get("type") == "charm"
    parts = data.get("parts")
    if parts:
        # The output of `charm build` carries its source's reactive part and
        # is a complete hooks charm: deploy it as it is.
        return not ((root / "hooks").is_dir() and _only_reactive(parts))
    entry = _entrypoint_of(data)
    return (root / entry).is_file() and not (root / "dispatch").exists()


def _only_reactive(parts: Any) -> bool:
    if not isinstance(parts, dict):
        return False
    return all(isinstance(p, dict) and (p.get("plugin") or name) == "reactive" for name, p in parts.items())


def _entrypoint_of(data: dict[str, Any]) -> str:
    parts = data.get("parts")
    charm_part = parts.get("charm") if isinstance(parts, dict) else None
    entry = charm_part.get("charm-entrypoint") if isinstance(charm_part, dict) else None
    return entry if isinstance(entry, str) and entry else "src/charm.py"


def load_charm(path: str | Path) -> Charm:
    """Load and validate the charm at ``path`` (a directory or a ``.charm`` zip).

    A directory may hold the split files (``metadata.yaml``...) or the unified
    ``charmcraft.yaml``; the latter is split as charmcraft would split it.

    Raises:
        CharmNotFoundError: nothing exists at ``path``.
        CharmError: ``path`` is not a charm, or one of its files is malformed.
    """
    root = Path(path)
    if not root.exists():
        raise CharmNotFoundError(f'no charm found at "{path}"', path=str(path))
    if root.is_dir():
        return _load(_DirSource(root), root)
    if zipfile.is_zipfile(root):
        try:
            with zipfile.ZipFile(root) as archive:
                return _load(_ZipSource(archive), root)
        except (zipfile.BadZipFile, OSError) as exc:
            raise charm_error(str(root), "", f"cannot read charm archive: {exc}") from None
    raise charm_error(str(root), "", f'"{path}" is neither a charm directory nor a .charm archive')


def _refile(err: CharmError, file: str, field: str) -> CharmError:
    """Re-point an error at the file (and key) a section really came from."""
    old_file, old_field = err.details.get("file"), err.details.get("field")
    problem = err.message
    for lead in (f"{old_file}: {old_field}: ", f"{old_file}: "):
        if problem.startswith(lead):
            problem = problem[len(lead) :]
            break
    extra = {k: v for k, v in err.details.items() if k not in ("file", "field")}
    return charm_error(file, field, problem, **extra)


def _prefixed(err: CharmError, prefix: str) -> CharmError:
    """An error from a charmcraft.yaml section, with the section's key in front."""
    field = str(err.details.get("field") or "")
    return _refile(err, CHARMCRAFT_FILE, f"{prefix}.{field}" if field else prefix)


def _yaml_file(source: _Source, name: str) -> tuple[bool, Any]:
    raw = source.read(name)
    if raw is None:
        return False, None
    return True, load_yaml(raw, name)


def _load(source: _Source, root: Path) -> Charm:
    has_meta, meta_doc = _yaml_file(source, "metadata.yaml")
    has_config, config_doc = _yaml_file(source, "config.yaml")
    has_actions, actions_doc = _yaml_file(source, "actions.yaml")
    # In a packed charm (an archive, or a directory with the manifest.yaml that
    # packing writes) the split files are authoritative: a charmcraft.yaml that
    # came along is the source they were generated from, not a second opinion.
    packed = isinstance(source, _ZipSource) or source.exists("manifest.yaml")
    project: CharmcraftProject | None = None
    if not (packed and has_meta):
        has_cc, cc_doc = _yaml_file(source, CHARMCRAFT_FILE)
        project = split_charmcraft(cc_doc) if has_cc else None

    if has_meta and not isinstance(meta_doc, dict):
        raise charm_error("metadata.yaml", "", f"expected a mapping, got {type_name(meta_doc)}")
    merged = meta_doc
    if project is not None:
        merged = merge_legacy_files(
            project,
            metadata=meta_doc if has_meta else None,
            config_present=has_config,
            actions_present=has_actions,
        )
    if project is not None and project.metadata:
        try:
            meta = parse_metadata(merged, "metadata.yaml" if has_meta else CHARMCRAFT_FILE)
        except CharmError as err:
            # Name charmcraft.yaml's own key (title, links.*) when it is at fault.
            field = str(err.details.get("field") or "")
            top = re.split(r"[.\[]", field, maxsplit=1)[0]
            source_key = project.metadata_sources.get(top, top)
            if top in project.metadata and (has_meta or source_key != top):
                raise _refile(err, CHARMCRAFT_FILE, source_key + field[len(top) :]) from None
            raise
    elif has_meta:
        meta = parse_metadata(meta_doc)
    else:
        raise charm_error(
            "metadata.yaml", "", f'not found: "{root}" has no metadata.yaml (is it a charm?)'
        )

    if project is not None and project.config is not None:
        try:
            config = parse_config_yaml(project.config, CHARMCRAFT_FILE)
        except CharmError as err:
            raise _prefixed(err, "config") from None
    elif has_config:
        # An empty config.yaml is tolerated (as ops does): it declares nothing.
        config = parse_config_yaml(config_doc)
    else:
        config = ConfigSchema()

    if project is not None and project.actions is not None:
        try:
            actions = parse_actions_yaml(project.actions, CHARMCRAFT_FILE, charm_name=meta.name)
        except CharmError as err:
            raise _prefixed(err, "actions") from None
    else:
        actions = parse_actions_yaml(actions_doc, charm_name=meta.name)

    has_manifest, manifest = _yaml_file(source, "manifest.yaml")
    if has_manifest and not isinstance(manifest, dict):
        raise charm_error("manifest.yaml", "", f"expected a mapping, got {type_name(manifest)}")
    if not has_manifest:
        manifest = {"bases": project.bases} if project is not None and project.bases else None

    return Charm(
        path=root,
        meta=meta,
        config=config,
        actions=actions,
        has_dispatch=source.exists("dispatch"),
        hooks=source.hooks(),
        revision=_revision(source),
        version=_version(source),
        manifest=manifest,
    )


def _revision(source: _Source) -> int | None:
    raw = source.read("revision")
    if raw is None:
        return None
    text = raw.decode("utf-8", "replace").strip()
    try:
        return int(text)
    except ValueError:
        raise charm_error("revision", "", f"expected an integer, got {text!r}") from None


def _version(source: _Source) -> str | None:
    raw = source.read("version")
    if raw is None:
        return None
    lines = raw.decode("utf-8", "replace").splitlines()
    first = lines[0].strip() if lines else ""
    return first or None
