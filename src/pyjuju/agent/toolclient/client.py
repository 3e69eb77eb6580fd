# The hook-tool client: the one script behind every tool symlink (config-get, ...).
#
# It runs on every tool call of every hook, so it is started as `python -S`
# and imports only builtin modules (`posix`, not `os`, which drags in several
# more; no socket, json or pyjuju). It sends argv and cwd (and stdin, only
# when the agent asks) to the unit agent over a unix socket and relays the
# reply's stdout, stderr and exit code. Frames are a 4-byte big-endian length
# and a marshal payload; agent and client run the same interpreter.
# It is kept small because the interpreter compiles it on every call, and it
# exits with posix._exit: everything is written unbuffered, so interpreter
# teardown is skipped. install_tools copies this file: keep it standalone.
# Annotations naming typing's names are strings, and typing is imported for the
# type checker only, so that checking costs the call nothing.
import _socket
import marshal
import posix
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn


def fail(message: str) -> "NoReturn":
    posix.write(2, b"ERROR " + message.encode("utf-8", "surrogateescape") + b"\n")
    posix._exit(1)


def reason(err: OSError) -> str:
    text = err.strerror or str(err)
    return text[:1].lower() + text[1:]  # Go's wording: "no such file or directory"


def write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[posix.write(fd, data):]


def call(address: bytes, request: "dict[str, Any]") -> "dict[str, Any]":
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(address)
    except OSError as e:
        path = address.decode("utf-8", "surrogateescape")
        fail(f"cannot connect to the unit agent: dial unix {path}: {reason(e)}")
    body = marshal.dumps(request)
    try:
        sock.sendall(len(body).to_bytes(4, "big") + body)
        chunks = []
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as e:
        fail(f"cannot talk to the unit agent: {reason(e)}")
    sock.close()
    data = b"".join(chunks)
    if len(data) < 4 or int.from_bytes(data[:4], "big") != len(data) - 4:
        fail("cannot talk to the unit agent: truncated reply")
    reply: dict[str, Any] = marshal.loads(data[4:])
    return reply


def main() -> None:
    env = posix.environ
    name = sys.argv[0].rpartition("/")[2]
    args = sys.argv[1:]
    if name == "hooktool" and args:
        name, args = args[0], args[1:]  # "hooktool config-get ..." works too
    context_id = env.get(b"JUJU_CONTEXT_ID")
    if not context_id:
        fail("JUJU_CONTEXT_ID not set")
    address = env.get(b"JUJU_AGENT_SOCKET_ADDRESS")
    if not address:
        fail("JUJU_AGENT_SOCKET_ADDRESS not set")
    try:
        cwd = posix.getcwd()
    except OSError:
        cwd = env.get(b"PWD", b"/").decode("utf-8", "surrogateescape")
    request: dict[str, Any] = {"ctx": context_id.decode("utf-8", "surrogateescape"), "cmd": name, "args": args,
               "cwd": cwd, "stdin": None}
    reply = call(address, request)
    if reply.get("need_stdin"):
        chunks = []
        while True:
            chunk = posix.read(0, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        request["stdin"] = b"".join(chunks)
        reply = call(address, request)
    write_all(1, reply.get("stdout") or b"")
    write_all(2, reply.get("stderr") or b"")
    code = reply.get("code", 1)
    posix._exit(code if type(code) is int else 1)


if __name__ == "__main__":
    main()
