"""Secret contents are encrypted at rest with a key only the controller holds.

The key lives beside the store (``secrets.key``, mode 0600); the store holds
Fernet tokens, so a copy of the database alone reveals nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet


class SecretBox:
    def __init__(self, data_dir: Path) -> None:
        path = data_dir / "secrets.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
        self._fernet = Fernet(path.read_bytes().strip())

    def seal(self, content: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(content, sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict[str, str]:
        return dict(json.loads(self._fernet.decrypt(token.encode())))


_boxes: dict[str, SecretBox] = {}


def box_for(data_dir: Path) -> SecretBox:
    key = str(data_dir)
    if key not in _boxes:
        _boxes[key] = SecretBox(data_dir)
    return _boxes[key]
