"""ssh and scp on the local provider: commands and files through the machine agent.

Local machines run no SSH daemon; ``ssh TARGET COMMAND`` runs the command on
the target's machine (in its network namespace) through ``exec``, passing
stdin, stdout, stderr and the exit status through, and ``scp`` moves files
the same way (tar + base64). An interactive shell is not offered yet.
"""

from __future__ import annotations

import base64
import io
import os
import shlex
import sys
import tarfile
from pathlib import Path
from typing import Any

import click

from ...core.errors import NotSupportedError, PyjujuError, UsageError
from ...core.names import is_valid_machine_id, is_valid_unit_name
from ...core.status import TASK_DONE
from ...wire import ExecParams
from ..app import Session, cli, model_option

# OpenSSH options that take an argument (so the word after them is not the command).
_SSH_ARG_OPTS = set("bcDEeFIiJLlmOopQRSWw")


def _machine_of(sess: Session, target: str) -> str:
    target = target.rpartition("@")[2]
    if is_valid_machine_id(target):
        return target
    st = sess.client().status(sess.model)
    if target.endswith("/leader"):
        app = st["applications"].get(target.split("/")[0], {})
        target = next((u for u, d in (app.get("units") or {}).items() if d.get("leader")), target)
    for app in st["applications"].values():
        for name, unit in (app.get("units") or {}).items():
            if name == target:
                return str(unit["machine"])
            for sub in (unit.get("subordinates") or {}):
                if sub == target:
                    return str(unit["machine"])
    if is_valid_unit_name(target):
        raise PyjujuError(f'unit "{target}" not found')
    raise UsageError(f'invalid target "{target}": expected a unit or a machine id')


def _run(sess: Session, machine: str, command: str, stdin: bytes | None) -> dict[str, Any]:
    client = sess.client()
    res = client.run_exec(sess.model, ExecParams(
        command=command, machines=[machine], stdin=None if stdin is None else base64.b64encode(stdin).decode()))
    if not res["tasks"]:
        raise PyjujuError("; ".join(res.get("failures") or ["nothing to run"]))
    tid = res["tasks"][0]["id"]
    while True:
        doc = client.task(sess.model, tid, wait=30)
        if doc["status"] in TASK_DONE:
            return dict(doc.get("results") or {})


def _bytes(results: dict[str, Any], key: str) -> bytes:
    value = results.get(key, "")
    if results.get(f"{key}-encoding") == "base64":
        return base64.b64decode(value)
    return str(value).encode()


@cli.command(context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True})
@model_option
@click.option("--container", default=None, help="Kubernetes only.")
@click.option("--no-host-key-checks", is_flag=True, help="Accepted (no SSH is involved locally).")
@click.option("--pty", default=None, hidden=True)
@click.option("--proxy", is_flag=True, hidden=True)
@click.argument("target")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def ssh(model: str | None, container: str | None, no_host_key_checks: bool, pty: str | None, proxy: bool,
        target: str, args: tuple[str, ...]) -> None:
    """Run a command on a unit's machine: `ssh UNIT|MACHINE [ssh-options] COMMAND...`."""
    if container:
        raise NotSupportedError("--container: Kubernetes models are not supported yet")
    words = list(args)
    while words and words[0].startswith("-") and words[0] != "--":
        opt = words.pop(0)
        if len(opt) == 2 and opt[1] in _SSH_ARG_OPTS and words:
            words.pop(0)
    if words and words[0] == "--":
        words.pop(0)
    if not words:
        raise NotSupportedError("an interactive shell is not offered on the local provider yet: give a command")
    sess = Session(model)
    machine = _machine_of(sess, target)
    stdin = None if sys.stdin.isatty() else sys.stdin.buffer.read()
    command = words[0] if len(words) == 1 else shlex.join(words)
    results = _run(sess, machine, command, stdin)
    sys.stdout.buffer.write(_bytes(results, "stdout"))
    sys.stderr.buffer.write(_bytes(results, "stderr"))
    sys.stdout.flush()
    code = int(results.get("return-code", 0) or 0)
    if code:
        sys.exit(code)


def _split_remote(spec: str) -> tuple[str | None, str]:
    host, sep, path = spec.partition(":")
    if sep and (is_valid_unit_name(host.rpartition("@")[2]) or is_valid_machine_id(host.rpartition("@")[2])
                or host.endswith("/leader")):
        return host, path or "."
    return None, spec


@cli.command(context_settings={"ignore_unknown_options": True})
@model_option
@click.option("--container", default=None, help="Kubernetes only.")
@click.option("--no-host-key-checks", is_flag=True, help="Accepted (no SSH is involved locally).")
@click.option("--proxy", is_flag=True, hidden=True)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, required=True)
def scp(model: str | None, container: str | None, no_host_key_checks: bool, proxy: bool,
        args: tuple[str, ...]) -> None:
    """Copy files to or from units and machines: `scp [-- -r] SRC... DEST` (TARGET:PATH remote)."""
    if container:
        raise NotSupportedError("--container: Kubernetes models are not supported yet")
    words = list(args)
    recursive = False
    paths: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            pass
        elif w.startswith("-") and len(w) > 1:
            recursive = recursive or "r" in w[1:]
            if w[-1] in "iFoPlcJS" and i + 1 < len(words):
                i += 1
        else:
            paths.append(w)
        i += 1
    if len(paths) < 2:
        raise UsageError("expected SOURCE... DESTINATION")
    sess = Session(model)
    dest_host, dest_path = _split_remote(paths[-1])
    for src in paths[:-1]:
        src_host, src_path = _split_remote(src)
        data = _fetch(sess, src_host, src_path, recursive)
        _put(sess, dest_host, dest_path, data)


def _fetch(sess: Session, host: str | None, path: str, recursive: bool) -> bytes:
    """A tar of ``path`` (a file, or a directory with -r)."""
    if host is None:
        p = Path(path)
        if p.is_dir() and not recursive:
            raise PyjujuError(f"{path}: is a directory (use -r)")
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.add(p, arcname=p.name)
        return buf.getvalue()
    machine = _machine_of(sess, host)
    q = shlex.quote(path)
    flag = "" if recursive else f'[ -d {q} ] && {{ echo "{path}: is a directory (use -r)" >&2; exit 1; }}; '
    results = _run(sess, machine, f'{flag}cd "$(dirname {q})" && tar -cf - "$(basename {q})" | base64 -w0', None)
    if int(results.get("return-code", 0) or 0):
        raise PyjujuError(_bytes(results, "stderr").decode(errors="replace").strip() or f"cannot read {path}")
    return base64.b64decode(_bytes(results, "stdout"))


def _put(sess: Session, host: str | None, dest: str, data: bytes) -> None:
    """Unpack one top-level entry at ``dest`` (into it when it is an existing directory)."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        name = tar.getmembers()[0].name.split("/")[0]
    if host is None:
        target = Path(dest)
        into = target if target.is_dir() else target.parent
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(into, filter="data")
        if not target.is_dir() and name != target.name:
            os.replace(into / name, target)
        return
    machine = _machine_of(sess, host)
    q = shlex.quote(dest)
    n = shlex.quote(name)
    script = (f'if [ -d {q} ]; then cd {q} && base64 -d | tar -xf -; else '
              f'd="$(dirname {q})"; mkdir -p "$d" && cd "$d" && tmp=$(mktemp -d .scp.XXXXXX) && '
              f'base64 -d | tar -C "$tmp" -xf - && rm -rf "$(basename {q})" && mv "$tmp"/{n} "$(basename {q})" '
              f'&& rmdir "$tmp"; fi')
    results = _run(sess, machine, script, base64.b64encode(data))
    if int(results.get("return-code", 0) or 0):
        raise PyjujuError(_bytes(results, "stderr").decode(errors="replace").strip() or f"cannot write {dest}")
