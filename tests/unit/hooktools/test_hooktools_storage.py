"""``storage-get``/``-list``/``-add`` and ``resource-get`` in a real hook context,
including ops ≤3.3's scrape of ``storage-get --help``."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable

import pytest
from toolscene import Scene

from pyjuju.agent.hooks.tools import COMMANDS
from pyjuju.agent.hooks.tools.storage import StorageGet
from pyjuju.agent.toolclient import TOOL_NAMES
from pyjuju.core.errors import NotFoundError

TOOLS = ("storage-get", "storage-list", "storage-add", "resource-get")

# ops ≤3.3 (ops/model.py, _ModelBackend._storage_event_details)
OPS_STORAGE_KEY_RE = re.compile(r"^-s\s+\(=\s+(?P<storage_key>.*?)\)\s*?$", re.MULTILINE)


@pytest.fixture
def sctx(ctx: Scene) -> Scene:
    """``ctx`` with four storage instances attached and a ``file`` resource."""
    ctx.storage = {
        "data/0": "/srv/data/0",
        "data/2": "/srv/data/2",
        "data/10": "/srv/data/10",
        "cache/1": "/srv/cache/1",
    }
    ctx.resources = {"file": {"revision": 1, "sha256": "f" * 64, "filename": "file.zip"}}
    return ctx


def in_data_hook(c: Scene) -> None:
    c.enter_storage_hook("data/0")


def no_storage(c: Scene) -> None:
    c.storage.clear()


Setup = Callable[[Scene], object] | None


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    args: list[str]
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    setup: Setup = None
    added: dict[str, int] = dataclasses.field(default_factory=dict)


DATA0_JSON = '{"kind":"filesystem","location":"/srv/data/0"}\n'

CASES = [
    # -- storage-get: what clients send ---------------------------------------------------
    Case("get ops3.4", ["storage-get", "--format=json", "-s", "data/0"], stdout=DATA0_JSON),
    Case("get ops3.3 location", ["storage-get", "-s", "data/0", "location", "--format=json"],
         stdout='"/srv/data/0"\n'),
    Case("get charmhelpers default", ["storage-get", "--format=json"], stdout=DATA0_JSON,
         setup=in_data_hook),
    Case("get charmhelpers attr", ["storage-get", "--format=json", "kind"],
         stdout='"filesystem"\n', setup=in_data_hook),
    Case("get charmhelpers -s attr", ["storage-get", "--format=json", "-s", "cache/1", "location"],
         stdout='"/srv/cache/1"\n', setup=in_data_hook),
    Case("get -s clustered", ["storage-get", "-scache/1", "kind"], stdout="filesystem\n"),
    # -- storage-get: formats -----------------------------------------------------------------
    Case("get smart map", ["storage-get"], stdout="kind: filesystem\nlocation: /srv/data/0\n",
         setup=in_data_hook),
    Case("get yaml map", ["storage-get", "-s", "cache/1", "--format", "yaml"],
         stdout="kind: filesystem\nlocation: /srv/cache/1\n"),
    Case("get smart key", ["storage-get", "location"], stdout="/srv/data/0\n", setup=in_data_hook),
    Case("get yaml key", ["storage-get", "kind", "--format=yaml"], stdout="filesystem\n",
         setup=in_data_hook),
    # -- storage-get: errors --------------------------------------------------------------------
    Case("get outside storage hook", ["storage-get"], 2,
         stderr="ERROR no storage instance specified\n"),
    Case("get key outside storage hook", ["storage-get", "location", "--format=json"], 2,
         stderr="ERROR no storage instance specified\n"),
    Case("get unknown id", ["storage-get", "-s", "data/9"], 2,
         stderr='ERROR invalid value "data/9" for option -s: storage "data/9" not found\n'),
    Case("get bad id", ["storage-get", "-s", "data"], 2,
         stderr='ERROR invalid value "data" for option -s: invalid storage ID "data"\n'),
    Case("get bad index", ["storage-get", "-s", "data/01"], 2,
         stderr='ERROR invalid value "data/01" for option -s: invalid storage ID "data/01"\n'),
    Case("get bad name", ["storage-get", "-s", "Data/0"], 2,
         stderr='ERROR invalid value "Data/0" for option -s: invalid storage ID "Data/0"\n'),
    Case("get -s needs value", ["storage-get", "-s"], 2,
         stderr="ERROR option needs an argument: -s\n"),
    Case("get long flag refused", ["storage-get", "--storage", "data/0"], 2,
         stderr="ERROR option provided but not defined: --storage\n"),
    Case("get bad attribute", ["storage-get", "-s", "data/0", "size"], 1,
         stderr='ERROR invalid storage attribute "size"\n'),
    Case("get extra args", ["storage-get", "-s", "data/0", "kind", "location", "x"], 2,
         stderr='ERROR unrecognized args: ["location" "x"]\n'),
    Case("get bad format", ["storage-get", "-s", "data/0", "--format=xml"], 2,
         stderr='ERROR invalid value "xml" for option --format: unknown format "xml"\n'),
    # -- storage-list -----------------------------------------------------------------------------
    Case("list ops json name", ["storage-list", "--format=json", "data"],
         stdout='["data/0","data/10","data/2"]\n'),
    Case("list json all", ["storage-list", "--format=json"],
         stdout='["cache/1","data/0","data/10","data/2"]\n'),
    Case("list smart", ["storage-list"], stdout="cache/1\ndata/0\ndata/10\ndata/2\n"),
    Case("list yaml", ["storage-list", "cache", "--format=yaml"], stdout="- cache/1\n"),
    Case("list unknown name json", ["storage-list", "--format=json", "logs"], stdout="[]\n"),
    Case("list none json", ["storage-list", "--format=json"], stdout="[]\n", setup=no_storage),
    Case("list none smart", ["storage-list"], setup=no_storage),
    Case("list none yaml", ["storage-list", "--format=yaml"], stdout="[]\n", setup=no_storage),
    Case("list extra args", ["storage-list", "data", "cache"], 2,
         stderr='ERROR unrecognized args: ["cache"]\n'),
    # -- storage-add -----------------------------------------------------------------------------
    Case("add ops count", ["storage-add", "data=2"], added={"data": 2}),
    Case("add name only", ["storage-add", "data"], added={"data": 1}),
    Case("add several", ["storage-add", "data", "cache=3"], added={"data": 1, "cache": 3}),
    Case("add undeclared store", ["storage-add", "logs"], added={"logs": 1}),
    Case("add empty fields skipped", ["storage-add", "data=,2,"], added={"data": 2}),
    Case("add nothing", ["storage-add"], 2,
         stderr="ERROR storage add requires a storage directive\n"),
    Case("add empty count", ["storage-add", "data="], 2,
         stderr='ERROR cannot parse constraints for storage "data": storage constraints require '
                "at least one field to be specified\n"),
    Case("add negative count", ["storage-add", "data=-676"], 2,
         stderr='ERROR cannot parse constraints for storage "data": cannot parse count: count '
                'must be greater than zero, got "-676"\n'),
    Case("add zero count", ["storage-add", "data=0"], 2,
         stderr='ERROR cannot parse constraints for storage "data": cannot parse count: count '
                'must be greater than zero, got "0"\n'),
    Case("add pool", ["storage-add", "data=pool"], 2,
         stderr='ERROR only count can be specified for "data"\n'),
    Case("add pool and size", ["storage-add", "data=pool,1M"], 2,
         stderr='ERROR only count can be specified for "data"\n'),
    Case("add size", ["storage-add", "data=1M"], 2,
         stderr='ERROR only count can be specified for "data"\n'),
    Case("add count and size", ["storage-add", "data=2,1G"], 2,
         stderr='ERROR only count can be specified for "data"\n'),
    Case("add good then bad", ["storage-add", "cache", "data=2,1M"], 2,
         stderr='ERROR only count can be specified for "data"\n'),
    Case("add parse errors first", ["storage-add", "data=1M", "cache=-1"], 2,
         stderr='ERROR cannot parse constraints for storage "cache": cannot parse count: count '
                'must be greater than zero, got "-1"\n'),
    Case("add negative size", ["storage-add", "data=-1M"], 2,
         stderr='ERROR cannot parse constraints for storage "data": cannot parse size: expected '
                'a non-negative number, got "-1M"\n'),
    Case("add two pools", ["storage-add", "data=p1,p2"], 2,
         stderr='ERROR cannot parse constraints for storage "data": pool name is already set '
                'to "p1", new value "p2" not valid\n'),
    Case("add junk", ["storage-add", "data=$1"], 2,
         stderr='ERROR cannot parse constraints for storage "data": unrecognized storage '
                'constraint "$1" not valid\n'),
    Case("add huge count", ["storage-add", "data=99999999999999999999"], 2,
         stderr='ERROR cannot parse constraints for storage "data": unrecognized storage '
                'constraint "99999999999999999999" not valid\n'),
    Case("add two =", ["storage-add", "data=1=2"], 2,
         stderr='ERROR expected "name=constraints" or "name", got "data=1=2"\n'),
    Case("add no name", ["storage-add", "=2"], 2,
         stderr='ERROR expected "name=constraints" or "name", got "=2"\n'),
    Case("add twice", ["storage-add", "data", "data=2"], 2,
         stderr='ERROR storage "data" specified more than once\n'),
    Case("add format flag refused", ["storage-add", "--format=json", "data"], 2,
         stderr="ERROR option provided but not defined: --format\n"),
    # -- resource-get -----------------------------------------------------------------------------
    Case("resource ops", ["resource-get", "file"], stdout="{tmp}/resources/file/file.zip"),
    Case("resource missing", ["resource-get", "software"], 1,
         stderr='ERROR could not download resource: resource "software" not found\n'),
    Case("resource no name", ["resource-get"], 2, stderr="ERROR missing required resource name\n"),
    Case("resource extra args", ["resource-get", "file", "x"], 2,
         stderr='ERROR unrecognized args: ["x"]\n'),
    Case("resource format refused", ["resource-get", "--format=json", "file"], 2,
         stderr="ERROR option provided but not defined: --format\n"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_storage_tool(sctx: Scene, run, tmp_path, case: Case) -> None:
    if case.setup:
        case.setup(sctx)
    result = run(*case.args)
    assert (result.code, result.stdout.decode(), result.stderr.decode()) == (
        case.code,
        case.stdout.replace("{tmp}", str(tmp_path)),
        case.stderr,
    )
    assert sctx.commit().storage_add == case.added


# -- storage-get --help (ops ≤3.3) -------------------------------------------------------


def test_storage_get_help_names_the_hook_storage(sctx: Scene, run) -> None:
    sctx.enter_storage_hook("data/0", "attached")
    result = run("storage-get", "--help")
    assert (result.code, result.stderr) == (0, b"")
    text = result.stdout.decode()
    assert "\n-s  (= data/0)\n" in text
    m = OPS_STORAGE_KEY_RE.search(text)
    assert m and m.group("storage_key") == "data/0"


def test_storage_get_help_outside_storage_hooks(sctx: Scene, run) -> None:
    text = run("storage-get", "-h").stdout.decode()
    assert "\n-s  (= )\n" in text
    m = OPS_STORAGE_KEY_RE.search(text)
    assert m and m.group("storage_key") == ""


def test_storage_get_help_wins_over_bad_id(sctx: Scene, run) -> None:
    sctx.enter_storage_hook("cache/1", "detaching")
    result = run("storage-get", "--help", "-s", "nope")
    assert result.code == 0
    assert OPS_STORAGE_KEY_RE.search(result.stdout.decode()).group("storage_key") == "cache/1"


def test_storage_get_output_file(sctx: Scene, run, tmp_path) -> None:
    result = run("storage-get", "-s", "data/2", "--format=json", "-o", "s.json", cwd=str(tmp_path))
    assert (result.code, result.stdout) == (0, b"")
    assert json.loads((tmp_path / "s.json").read_text())["location"] == "/srv/data/2"


def test_storage_add_accumulates(sctx: Scene, run) -> None:
    assert run("storage-add", "data=2").code == 0
    assert run("storage-add", "data", "cache").code == 0
    assert sctx.commit().storage_add == {"data": 3, "cache": 1}
    assert sctx.client.calls == []  # asked for at the hook's commit


# -- resource-get ------------------------------------------------------------------------


def test_resource_get_downloads_once(sctx: Scene, run, tmp_path) -> None:
    path = tmp_path / "resources" / "file" / "file.zip"
    assert run("resource-get", "file").stdout == str(path).encode()
    assert run("resource-get", "file").stdout == str(path).encode()
    assert path.read_text() == "resource file\n"
    assert sctx.client.downloads == [("wordpress/file", path)]


def test_resource_get_download_failure(sctx: Scene, run) -> None:
    async def failing(application: str, name: str, dest) -> None:
        raise NotFoundError('resource "file" has no file')

    sctx.client.download_resource = failing  # type: ignore[method-assign]
    result = run("resource-get", "file")
    assert (result.code, result.stdout, result.stderr) == (
        1, b"", b'ERROR could not download resource: resource "file" has no file\n')


# -- registration and help ---------------------------------------------------------------


def test_tools_are_installed() -> None:
    for name in TOOLS:
        assert name in COMMANDS
        assert name in TOOL_NAMES
    assert COMMANDS["storage-get"] is StorageGet


@pytest.mark.parametrize("name", TOOLS)
def test_tool_help(sctx: Scene, run, name: str) -> None:
    result = run(name, "x", "--help")
    assert (result.code, result.stderr) == (0, b"")
    assert result.stdout.decode().startswith(f"Usage: {name} [options]")
    assert sctx.commit().storage_add == {}
