"""Hook process discovery and execution with real charm directories."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from pyjuju.agent.hooks.runner import HookResult, find_executable, run_process

BASE_ENV = {"PATH": "/usr/bin:/bin", "JUJU_DISPATCH_PATH": "hooks/install"}


def charm(root: Path, files: dict[str, str | None], metadata: bool = True) -> Path:
    """Files ending in ``*`` are made executable; ``None`` makes a directory."""
    root.mkdir(parents=True, exist_ok=True)
    if metadata:
        (root / "metadata.yaml").write_text("name: t\nsummary: s\ndescription: d\n")
    for name, text in files.items():
        path = root / name.rstrip("*")
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.mkdir()
            continue
        path.write_text(text)
        path.chmod(0o755 if name.endswith("*") else 0o644)
    return root


def run(charm_dir: Path, dispatch_path: str = "hooks/install", env: dict[str, str] | None = None,
        ) -> tuple[HookResult, list[tuple[str, str]], list[int]]:
    lines: list[tuple[str, str]] = []
    pids: list[int] = []

    async def on_spawn(pid: int) -> None:
        pids.append(pid)

    async def go() -> HookResult:
        return await run_process(
            charm_dir=charm_dir, dispatch_path=dispatch_path, env=env or dict(BASE_ENV),
            on_line=lambda stream, line: lines.append((stream, line)), on_spawn=on_spawn,
        )

    return asyncio.run(go()), lines, pids


# -- discovery ----------------------------------------------------------------------


def test_find_executable_prefers_dispatch(tmp_path) -> None:
    c = charm(tmp_path / "c", {"dispatch*": "#!/bin/sh\n", "hooks/install*": "#!/bin/sh\n"})
    assert find_executable(c, "hooks/install") == (c / "dispatch", "dispatch")


def test_find_executable_legacy_hook(tmp_path) -> None:
    c = charm(tmp_path / "c", {"hooks/install*": "#!/bin/sh\n"})
    path, via = find_executable(c, "hooks/install")
    assert path == c / "hooks" / "install" and via == "explicit, bespoke hook script"
    assert find_executable(c, "hooks/start") == (None, "")


def test_find_executable_counts_dangling_dispatch_link(tmp_path) -> None:
    c = charm(tmp_path / "c", {"hooks/install*": "#!/bin/sh\n"})
    os.symlink("does-not-exist", c / "dispatch")
    assert find_executable(c, "hooks/install")[1] == "dispatch"


# -- running -------------------------------------------------------------------------


def test_dispatch_runs_for_every_hook_instead_of_hook_file(tmp_path) -> None:
    c = charm(tmp_path / "c", {
        "dispatch*": '#!/bin/sh\necho "dispatch $JUJU_DISPATCH_PATH"\n',
        "hooks/install*": "#!/bin/sh\necho legacy\ntouch legacy-ran\n",
    })
    res, lines, pids = run(c)
    assert res == HookResult(code=0, via="dispatch")
    assert lines == [("stdout", "dispatch hooks/install")]
    assert len(pids) == 1
    assert not (c / "legacy-ran").exists()


def test_legacy_hook_runs_without_dispatch(tmp_path) -> None:
    c = charm(tmp_path / "c", {"hooks/install*": "#!/bin/sh\necho legacy\n"})
    res, lines, _ = run(c)
    assert res.code == 0 and not res.missing and res.via == "explicit, bespoke hook script"
    assert lines == [("stdout", "legacy")]


def test_missing_hook_is_a_successful_missing_result(tmp_path) -> None:
    c = charm(tmp_path / "c", {"hooks/start*": "#!/bin/sh\nexit 1\n"})
    res, lines, pids = run(c)
    assert res.code == 0 and res.missing is True
    assert lines == [] and pids == []


def test_non_executable_dispatch_fails_without_fallback(tmp_path) -> None:
    c = charm(tmp_path / "c", {
        "dispatch": "#!/bin/sh\necho hi\n",
        "hooks/install*": "#!/bin/sh\ntouch legacy-ran\n",
    })
    res, lines, pids = run(c)
    assert res.code == 1 and not res.missing
    assert "permission denied" in res.error and str(c / "dispatch") in res.error
    assert pids == [] and not (c / "legacy-ran").exists()


def test_non_executable_hook_fails(tmp_path) -> None:
    c = charm(tmp_path / "c", {"hooks/install": "#!/bin/sh\n"})
    res, _, _ = run(c)
    assert res.code == 1 and "permission denied" in res.error


def test_dispatch_directory_fails(tmp_path) -> None:
    c = charm(tmp_path / "c", {"dispatch": None})
    res, _, _ = run(c)
    assert res.code == 1 and "is a directory" in res.error


def test_missing_metadata_is_charm_missing_from_disk(tmp_path) -> None:
    c = charm(tmp_path / "c", {"hooks/install*": "#!/bin/sh\ntouch ran\n"}, metadata=False)
    res, _, pids = run(c)
    assert res.code == 1 and res.error == "charm missing from disk"
    assert pids == [] and not (c / "ran").exists()


def test_missing_metadata_fails_even_a_hook_without_file(tmp_path) -> None:
    # As in Juju: if metadata.yaml is missing, *every* hook fails with
    # "charm missing from disk" - a hook without a file must not be a successful "missing".
    c = charm(tmp_path / "c", {"hooks/start*": "#!/bin/sh\n"}, metadata=False)
    res, _, _ = run(c)
    assert (res.code, res.missing, res.error) == (1, False, "charm missing from disk")


def test_output_lines_are_delivered_per_stream(tmp_path) -> None:
    c = charm(tmp_path / "c", {"dispatch*": "#!/bin/sh\n"
                               "echo one\necho two\n"
                               "echo oops >&2\n"
                               "printf 'no newline'\n"})
    res, lines, _ = run(c)
    assert res.code == 0
    assert [x for x in lines if x[0] == "stdout"] == [
        ("stdout", "one"), ("stdout", "two"), ("stdout", "no newline"),
    ]
    assert [x for x in lines if x[0] == "stderr"] == [("stderr", "oops")]


@pytest.mark.parametrize("body, code", [
    ("exit 0", 0),
    ("exit 3", 3),
    ("exit 255", 255),
    ("kill -TERM $$", -signal.SIGTERM),
    ("kill -KILL $$", -signal.SIGKILL),
])
def test_exit_codes(tmp_path, body, code) -> None:
    c = charm(tmp_path / "c", {"dispatch*": f"#!/bin/sh\n{body}\n"})
    res, _, _ = run(c)
    assert res.code == code and res.error == ""


def test_environment_replaced_cwd_and_stdin(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PYJUJU_TEST_LEAK", "leaked")
    c = charm(tmp_path / "c", {"dispatch*": "#!/bin/sh\n"
                               'echo "leak=${PYJUJU_TEST_LEAK:-none}"\n'
                               'echo "unit=$JUJU_UNIT_NAME"\n'
                               'echo "cwd=$(pwd -P)"\n'
                               'if read line; then echo "stdin=data"; else echo "stdin=eof"; fi\n'})
    env = dict(BASE_ENV, JUJU_UNIT_NAME="app/0")
    res, lines, _ = run(c, env=env)
    assert res.code == 0
    assert [line for _, line in lines] == [
        "leak=none", "unit=app/0", f"cwd={c.resolve()}", "stdin=eof",
    ]


def test_hook_runs_in_its_own_session(tmp_path) -> None:
    # field 6 of /proc/<pid>/stat is the session id
    c = charm(tmp_path / "c", {"dispatch*": "#!/bin/sh\nset -- $(cat /proc/$$/stat)\necho $6\n"})
    res, lines, pids = run(c)
    assert res.code == 0
    assert lines and int(lines[0][1].strip()) == pids[0]


def test_daemon_holding_stdout_does_not_block(tmp_path) -> None:
    # A hook that starts a daemon which inherits stdout must still finish promptly
    # (runner.PIPE_GRACE) while the daemon keeps running. The hook works a little
    # before it starts the daemon, as real hooks do; bounded at 3 s so a hang fails fast.
    c = charm(tmp_path / "c", {"dispatch*": "#!/bin/sh\n"
                               "sleep 0.3\n"
                               "sleep 30 &\n"
                               "echo started\n"
                               "exit 0\n"})
    lines: list[tuple[str, str]] = []
    pids: list[int] = []

    async def on_spawn(pid: int) -> None:
        pids.append(pid)

    async def go() -> HookResult | None:
        try:
            return await asyncio.wait_for(
                run_process(charm_dir=c, dispatch_path="hooks/install", env=dict(BASE_ENV),
                            on_line=lambda s, line: lines.append((s, line)), on_spawn=on_spawn),
                timeout=3,
            )
        except TimeoutError:
            return None
        finally:
            for pid in pids:  # the daemon stayed in the hook's process group
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            await asyncio.sleep(0.1)  # let the loop see the pipes close

    t0 = time.monotonic()
    res = asyncio.run(go())
    elapsed = time.monotonic() - t0
    assert res is not None, "run_process did not return while a daemon held the hook's stdout"
    assert res.code == 0
    assert ("stdout", "started") in lines
    assert elapsed < 3


def test_very_long_line_is_delivered(tmp_path) -> None:
    c = charm(tmp_path / "c", {"dispatch*": "#!/bin/sh\nhead -c 100000 /dev/zero | tr '\\0' x\necho\n"
                               "echo after\n"})
    res, lines, _ = run(c)
    assert res.code == 0
    assert lines[0] == ("stdout", "x" * 100000)
    assert lines[-1] == ("stdout", "after")


def test_executable_without_interpreter_line_fails_to_start(tmp_path) -> None:
    c = charm(tmp_path / "c", {"dispatch*": "echo no shebang\n"})
    res, _, pids = run(c)
    assert res.code == 1 and res.error.startswith(f"fork/exec {c / 'dispatch'}: ")
    assert pids == []
