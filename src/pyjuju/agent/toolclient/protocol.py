"""Server-side framing for the hook-tool socket (the client's mirror lives in ``client.py``).

A frame is a 4-byte big-endian length followed by a ``marshal`` payload
(a dict). marshal is the only serialiser the ``-S`` client can import
without cost; the agent and the client run the same interpreter. Requests
are ``{"ctx", "cmd", "args", "cwd", "stdin"}``; replies are ``{"code",
"stdout", "stderr"}`` or ``{"need_stdin": True}``.
"""

from __future__ import annotations

import asyncio
import marshal
from typing import Any

MARSHAL_VERSION = 4
MAX_FRAME = 256 * 1024 * 1024  # stdin of relation-set --file can be large, not unbounded


class FrameError(ValueError):
    """A malformed or oversized frame."""


async def read_frame(reader: asyncio.StreamReader) -> dict[str, Any]:
    """Read one frame; raises ``asyncio.IncompleteReadError`` on EOF, :class:`FrameError` if bad."""
    header = await reader.readexactly(4)
    size = int.from_bytes(header, "big")
    if size > MAX_FRAME:
        raise FrameError(f"frame of {size} bytes exceeds the limit of {MAX_FRAME}")
    body = await reader.readexactly(size)
    try:
        obj = marshal.loads(body)
    except (EOFError, ValueError, TypeError) as e:
        raise FrameError(f"undecodable frame: {e}") from None
    if not isinstance(obj, dict):
        raise FrameError("frame is not a dict")
    return obj


def encode_frame(obj: dict[str, Any]) -> bytes:
    body = marshal.dumps(obj, MARSHAL_VERSION)
    return len(body).to_bytes(4, "big") + body
