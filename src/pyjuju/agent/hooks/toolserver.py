"""The unit agent's end of the hook-tool socket.

Each connection carries one request from ``pyjuju.agent.toolclient.client``:
the context id, the tool name, argv, cwd and maybe stdin. The server finds
the running hook's :class:`~.toolctx.ToolContext` by id (a finished or
foreign hook's id is refused, as Juju refuses calls from a context that is
not the active one), runs the tool and answers. Calls of one context are
serialised (docs/charm-runtime.md, Hook execution): a hook that backgrounds tool calls still sees them
applied one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

from ..toolclient.protocol import FrameError, encode_frame, read_frame
from .toolctx import ToolContext
from .tools import StdinRequired, ToolResult, run_tool

logger = logging.getLogger(__name__)

Lookup = Callable[[str], "ToolContext | None"]


def _error(message: str) -> dict[str, Any]:
    return {"code": 1, "stdout": b"", "stderr": f"ERROR {message}\n".encode("utf-8", "replace")}


def _valid_request(req: dict[str, Any]) -> bool:
    return (
        isinstance(req.get("ctx"), str)
        and isinstance(req.get("cmd"), str)
        and isinstance(req.get("args"), list)
        and all(isinstance(a, str) for a in req["args"])
        and isinstance(req.get("cwd"), str)
        and (req.get("stdin") is None or isinstance(req.get("stdin"), bytes))
    )


class _ContextLocks:
    """One lock per context id, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, context_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(context_id, (asyncio.Lock(), 0))
        self._locks[context_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[context_id]
            if users <= 1:
                del self._locks[context_id]
            else:
                self._locks[context_id] = (lock, users - 1)


class ToolServer:
    """An asyncio unix-socket server answering hook-tool calls."""

    def __init__(self, socket_path: str, lookup: Lookup) -> None:
        self.socket_path = socket_path
        self._lookup = lookup
        self._locks = _ContextLocks()
        self._server: asyncio.AbstractServer | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Listen on ``socket_path`` (a stale socket file from a previous agent is replaced)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)
        self._server = await asyncio.start_unix_server(self._handle, path=self.socket_path)
        os.chmod(self.socket_path, 0o600)  # only the agent's user (and its hooks) may call tools

    async def close(self) -> None:
        """Stop listening, finish the calls in flight, remove the socket file."""
        if self._server is None:
            return
        self._server.close()
        await self._server.wait_closed()
        self._server = None
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            try:
                request = await read_frame(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            except FrameError as e:
                logger.warning("bad hook tool request: %s", e)
                reply = _error(f"bad request: {e}")
            else:
                reply = await self._answer(request)
            writer.write(encode_frame(reply))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            if task is not None:
                self._connections.discard(task)

    async def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        if not _valid_request(request):
            return _error("bad request: malformed hook tool request")
        context_id = request["ctx"]
        ctx = self._lookup(context_id)
        if ctx is None:
            return _error(f'bad context id "{context_id}"')
        async with self._locks.hold(context_id):
            try:
                result: ToolResult = await run_tool(
                    ctx, request["cmd"], request["args"], request["stdin"], request["cwd"]
                )
            except StdinRequired:
                return {"need_stdin": True}
            except Exception as e:  # run_tool reports tool errors itself; this is a bug
                logger.exception("hook tool %s crashed", request["cmd"])
                return _error(f"internal error: {e}")
        return {"code": result.code, "stdout": result.stdout, "stderr": result.stderr}
