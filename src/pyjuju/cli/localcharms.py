"""Local charms as the CLI uploads them: checked, packed when they are source trees, archived.

Used by deploy and refresh for one charm and by the bundle commands for every
local charm a bundle names, so none of those commands imports another.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from .. import charm as charmlib
from ..core.errors import NotFoundError
from .clientstore import data_dir


def pack_cache_dir() -> Path:
    """Where packing keeps downloaded wheels between calls."""
    return data_dir() / "cache" / "pack"


def charm_archive_bytes(path: Path, progress: Callable[[str], None] | None = None) -> tuple[bytes, charmlib.Charm]:
    """Validate a local charm and return its archive bytes (packing a source tree first).

    ``progress`` hears what packing is doing (it can take a while to fetch wheels)."""
    if not path.exists():
        raise NotFoundError(f'charm or bundle path "{path}" not found', path=str(path))
    with tempfile.TemporaryDirectory(prefix="pyjuju-") as tmp:
        if path.is_dir() and charmlib.is_source_tree(path):
            archive = charmlib.pack_source_tree(path, Path(tmp), cache_dir=pack_cache_dir(),
                                                progress=progress)
        elif path.is_dir():
            charmlib.load_charm(path)
            archive = charmlib.build_archive(path, Path(tmp) / "charm.charm")
        else:
            archive = path
        loaded = charmlib.load_charm(archive)
        return archive.read_bytes(), loaded
