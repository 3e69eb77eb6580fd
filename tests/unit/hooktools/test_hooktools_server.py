"""End to end: installed tool symlinks → ``-S`` client → unix socket → ToolServer → a real hook context."""

from __future__ import annotations

import ast
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from toolscene import Scene

from pyjuju.agent.hooks.toolserver import ToolServer
from pyjuju.agent.toolclient import CLIENT_NAME, TOOL_NAMES, install_tools
from pyjuju.agent.toolclient.protocol import encode_frame, read_frame

PYTHON = os.path.realpath(sys.executable)
CLIENT_SOURCE = Path(__file__).parents[3] / "src/pyjuju/agent/toolclient/client.py"


@pytest.fixture
def sock_dir():
    # Unix socket paths are limited to ~108 bytes; pytest's tmp_path can be longer.
    path = tempfile.mkdtemp(prefix="pjht", dir="/tmp")
    yield Path(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def tools(tmp_path) -> Path:
    tools_dir = tmp_path / "tools"
    install_tools(tools_dir, PYTHON)
    return tools_dir


def _env(
    tools: Path, socket_path: str, context_id: str = "wordpress/0-install-1"
) -> dict[str, str]:
    return {
        "PATH": f"{tools}:/usr/bin:/bin",
        "JUJU_CONTEXT_ID": context_id,
        "JUJU_AGENT_SOCKET_ADDRESS": socket_path,
        "JUJU_AGENT_SOCKET_NETWORK": "unix",
    }


async def _exec(
    argv: list[str], env: dict[str, str], stdin: bytes | None = None, cwd: str | None = None
):
    proc = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate(stdin)
    return proc.returncode, out, err


def _runtime_nodes(tree: ast.AST):
    """Every node but the bodies of ``if TYPE_CHECKING:``, which never run."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            yield node.test
            for child in node.orelse:
                yield child
                yield from _runtime_nodes(child)
            continue
        yield node
        yield from _runtime_nodes(node)


def test_client_imports_only_builtin_modules():
    tree = ast.parse(CLIENT_SOURCE.read_text())
    imported = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    # Builtin modules only (plus _socket, a tiny C extension): no Python module to load.
    allowed = set(sys.builtin_module_names) | {"_socket"}
    assert imported <= allowed, imported - allowed
    assert "os" not in imported
    assert len(CLIENT_SOURCE.read_text().splitlines()) < 120


def _modules_imported(*argv: str) -> set[str]:
    run = subprocess.run([PYTHON, "-S", "-X", "importtime", *argv], capture_output=True, text=True,
                         env={"PATH": os.environ.get("PATH", "")}, cwd="/")
    return {line.rpartition("|")[2].strip() for line in run.stderr.splitlines()
            if line.startswith("import time:")} - {"package"}


def test_client_loads_no_python_module_when_run():
    # The annotations' typing names are for the type checker only: running the
    # client loads no module beyond the interpreter's own start-up ones.
    extra = _modules_imported(str(CLIENT_SOURCE)) - _modules_imported("-c", "pass")
    assert extra <= set(sys.builtin_module_names) | {"_socket"}, extra


def test_install_tools_is_idempotent(tmp_path):
    tools_dir = tmp_path / "t"
    install_tools(tools_dir, PYTHON)
    script = tools_dir / CLIENT_NAME
    assert script.read_text().startswith(f"#!{PYTHON} -S\n")
    assert script.stat().st_mode & 0o777 == 0o755
    for name in TOOL_NAMES:
        assert os.readlink(tools_dir / name) == CLIENT_NAME
    before = script.stat().st_mtime_ns
    (tools_dir / "config-get").unlink()
    (tools_dir / "config-get").symlink_to("/bin/false")
    install_tools(tools_dir, PYTHON)
    assert script.stat().st_mtime_ns == before  # unchanged script not rewritten
    assert os.readlink(tools_dir / "config-get") == CLIENT_NAME
    install_tools(tools_dir, "/other/python")
    assert script.read_text().startswith("#!/other/python -S\n")
    assert sorted(p.name for p in tools_dir.iterdir()) == sorted([*TOOL_NAMES, CLIENT_NAME])


def test_end_to_end(tools, sock_dir, tmp_path):
    socket_path = str(sock_dir / "agent.socket")
    scene = Scene(unit="wordpress/0", hook="install", config={"port": 80, "title": "<b>"})
    scene.add_relation(3, "db", "mysql", members=["mysql/0"])
    hook = scene.context()
    contexts = {"wordpress/0-install-1": hook}

    async def main() -> None:
        server = ToolServer(socket_path, contexts.get)
        await server.start()
        try:
            env = _env(tools, socket_path)
            code, out, err = await _exec(["config-get", "--format=json"], env)
            assert (code, out, err) == (0, b'{"port":80,"title":"\\u003cb\\u003e"}\n', b"")

            code, out, err = await _exec(["relation-set", "-r", "db:3", "--file", "-", "b=2"], env,
                                         stdin=b'{"a": "1", "b": "x"}')  # fmt: skip
            assert (code, out, err) == (0, b"", b"")
            assert scene.commit().relation_settings == {"3": {"a": "1", "b": "2"}}

            code, out, err = await _exec(["relation-get", "-r", "3", "-", "mysql"], env)
            assert (code, out) == (2, b"")
            assert err == b'ERROR expected unit name, got application name "mysql"\n'

            code, out, err = await _exec(["relation-get", "-r", "3", "b", "wordpress/0"], env)
            assert (code, out, err) == (0, b"2\n", b"")

            work = tmp_path / "work"
            work.mkdir()
            code, out, err = await _exec(
                ["unit-get", "private-address", "-o", "addr"], env, cwd=str(work)
            )
            assert (code, out, err) == (0, b"", b"")
            assert (work / "addr").read_text() == "10.0.0.5\n"

            # stdin is only read when a tool asks for it
            code, out, err = await _exec(["state-set", "--file", "-"], env, stdin=b"k: v\n")
            assert (code, scene.commit().state_set) == (0, {"k": "v"})

            code, out, err = await _exec(["juju-log", "-l", "WARN", "hello"], env)
            assert code == 0 and scene.logs == [("WARNING", "hello")]

            code, out, err = await _exec(
                [str(tools / CLIENT_NAME), "is-leader", "--format=json"], env
            )
            assert (code, out) == (0, b"false\n")

            code, out, err = await _exec(["config-get"], _env(tools, socket_path, "stale-context"))
            assert (code, out, err) == (1, b"", b'ERROR bad context id "stale-context"\n')

            code, out, err = await _exec([str(tools / CLIENT_NAME), "frobnicate"], env)
            assert (code, err) == (1, b'ERROR unknown command "frobnicate"\n')

            # concurrent calls of one context are answered one at a time, all of them
            results = await asyncio.gather(
                *(_exec(["open-port", str(8000 + i)], env) for i in range(8))
            )
            assert all(r[0] == 0 for r in results)
            assert len(hook.opened_ports()) == 8
        finally:
            await server.close()
        assert not os.path.exists(socket_path)

    asyncio.run(main())


@pytest.mark.parametrize(
    ("env_update", "message"),
    [
        ({"JUJU_CONTEXT_ID": ""}, b"ERROR JUJU_CONTEXT_ID not set\n"),
        ({"JUJU_AGENT_SOCKET_ADDRESS": ""}, b"ERROR JUJU_AGENT_SOCKET_ADDRESS not set\n"),
    ],
)
def test_client_without_environment(tools, sock_dir, env_update, message):
    env = {**_env(tools, str(sock_dir / "agent.socket")), **env_update}
    code, out, err = asyncio.run(_exec(["config-get"], env))
    assert (code, out, err) == (1, b"", message)


def test_client_without_agent(tools, sock_dir):
    missing = str(sock_dir / "gone.socket")
    code, out, err = asyncio.run(_exec(["config-get"], _env(tools, missing)))
    assert (code, out) == (1, b"")
    assert (
        err
        == f"ERROR cannot connect to the unit agent: dial unix {missing}: no such file or directory\n".encode()
    )


def test_server_rejects_malformed_requests(sock_dir):
    socket_path = str(sock_dir / "agent.socket")

    async def main() -> None:
        server = ToolServer(socket_path, {}.get)
        await server.start()
        try:
            reader, writer = await asyncio.open_unix_connection(socket_path)
            writer.write(encode_frame({"ctx": 1, "cmd": "config-get"}))
            reply = await read_frame(reader)
            writer.close()
            assert reply["code"] == 1 and b"bad request" in reply["stderr"]
            reader, writer = await asyncio.open_unix_connection(socket_path)
            writer.write(b"\x00\x00\x00\x03abc")
            reply = await read_frame(reader)
            writer.close()
            assert reply["code"] == 1 and b"bad request" in reply["stderr"]
            # a client that hangs up early does not disturb the server
            reader, writer = await asyncio.open_unix_connection(socket_path)
            writer.write(b"\x00\x00")
            writer.close()
        finally:
            await server.close()

    asyncio.run(main())


def test_server_asks_for_stdin_then_uses_it(sock_dir):
    socket_path = str(sock_dir / "agent.socket")
    scene = Scene(unit="wordpress/0")
    scene.add_relation(1, "db", "pg")

    async def call(request):
        reader, writer = await asyncio.open_unix_connection(socket_path)
        writer.write(encode_frame(request))
        await writer.drain()
        reply = await read_frame(reader)
        writer.close()
        return reply

    async def main() -> None:
        server = ToolServer(socket_path, {"c": scene.context()}.get)
        await server.start()
        try:
            request = {
                "ctx": "c",
                "cmd": "relation-set",
                "args": ["-r", "1", "--file", "-"],
                "cwd": "/",
                "stdin": None,
            }
            assert await call(request) == {"need_stdin": True}
            assert scene.commit().relation_settings == {}
            request["stdin"] = b"a: b\n"
            assert await call(request) == {"code": 0, "stdout": b"", "stderr": b""}
            assert scene.commit().relation_settings == {"1": {"a": "b"}}
        finally:
            await server.close()

    asyncio.run(main())
