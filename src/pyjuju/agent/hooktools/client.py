"""The hook-tool client: one script behind every tool symlink (``config-get``, …).

It runs on every tool call of every hook, so it starts an interpreter with
``-S`` and imports only builtin modules (no ``socket``, ``json`` or pyjuju):
it sends argv, cwd and (only if asked) stdin to the unit agent over a unix
socket and relays the answer's stdout, stderr and exit code. Frames are a
4-byte big-endian length and a ``marshal`` payload; agent and client run the
same interpreter. ``install_tools`` copies this file, so keep it standalone.
"""

import _socket
import marshal
import os
import sys

_MARSHAL_VERSION = 4


def _fail(message):
    _write_all(2, ("ERROR " + message + "\n").encode("utf-8", "surrogateescape"))
    sys.exit(1)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except OSError:
            return
        view = view[n:]


def _recv_exactly(sock, size):
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("the unit agent closed the connection")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _reason(err):
    text = getattr(err, "strerror", None) or str(err)
    return text[:1].lower() + text[1:]


def _call(address, request):
    """One round trip: connect, send the request frame, return the decoded reply."""
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        try:
            sock.connect(address)
        except OSError as e:
            _fail(f"cannot connect to the unit agent: dial unix {address}: {_reason(e)}")
        try:
            body = marshal.dumps(request, _MARSHAL_VERSION)
            sock.sendall(len(body).to_bytes(4, "big") + body)
            size = int.from_bytes(_recv_exactly(sock, 4), "big")
            reply = marshal.loads(_recv_exactly(sock, size))
        except (OSError, EOFError, ValueError) as e:
            _fail(f"cannot talk to the unit agent: {_reason(e)}")
    finally:
        sock.close()
    if not isinstance(reply, dict):
        _fail("cannot talk to the unit agent: malformed reply")
    return reply


def _read_stdin():
    chunks = []
    while True:
        try:
            chunk = os.read(0, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def main():
    name = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if (name == "hooktool" or name.endswith(".py")) and args:
        name, args = args[0], args[1:]  # "hooktool config-get ..." also works
    context_id = os.environ.get("JUJU_CONTEXT_ID")
    if not context_id:
        _fail("JUJU_CONTEXT_ID not set")
    address = os.environ.get("JUJU_AGENT_SOCKET_ADDRESS")
    if not address:
        _fail("JUJU_AGENT_SOCKET_ADDRESS not set")
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = os.environ.get("PWD") or "/"
    request = {"ctx": context_id, "cmd": name, "args": args, "cwd": cwd, "stdin": None}
    reply = _call(address, request)
    if reply.get("need_stdin"):
        request["stdin"] = _read_stdin()
        reply = _call(address, request)
    _write_all(1, reply.get("stdout") or b"")
    _write_all(2, reply.get("stderr") or b"")
    code = reply.get("code", 1)
    sys.exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    main()
