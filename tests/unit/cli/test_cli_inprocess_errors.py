"""Bad input through real commands and a real in-process controller: Juju's ``ERROR <message>``
on stderr, exit 2 for a wrong command line (whichever side finds it) and 1 for everything else."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from inprocess import InProcessController, without_times, write_charm

from pyjuju.cli.clientstore import ClientStore
from pyjuju.cli.context import Connector
from pyjuju.cli.main import cli
from pyjuju.client import Client
from pyjuju.core.errors import ApplicationNotFoundError, UsageError


@pytest.fixture
def deployed(inprocess: InProcessController, tmp_path) -> InProcessController:
    web = write_charm(tmp_path, "web", {"requires": {"db": {"interface": "pgsql"}}},
                      {"port": {"type": "int", "default": 80}})
    assert inprocess.cli("deploy", str(web)).exit_code == 0
    return inprocess


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        # click's own usage errors
        (["status", "--bogus"], 2, "No such option '--bogus'."),
        (["add-unit"], 2, "Missing argument 'APPLICATION'."),
        (["add-unit", "web", "-n", "many"], 2, "'many' is not a valid integer"),
        # usage errors the CLI finds before calling the controller
        (["add-unit", "web", "-n", "0"], 2, "--num-units must be a positive integer"),
        (["config", "web", "port", "port=1"], 2, "cannot get and set config at the same time"),
        (["config", "web", "a", "b"], 2, "can only retrieve a single value, or all values"),
        (["remove-relation", "web", "db", "x"], 2, "a relation is given by two endpoints or by its id"),
        (["wait-for", "application", "web", "--query", "life ==", "--timeout", "1s"], 2, "invalid query"),
        # a usage error only the controller finds: it comes back as a UsageError
        (["integrate", ":db", "web"], 2, 'invalid endpoint ":db"'),
        # runtime errors
        (["add-unit", "nope"], 1, 'application "nope" not found'),
        (["show-application", "nope"], 1, 'application "nope" not found'),
        (["config", "web", "nope"], 1, 'key "nope" not found in "web" application config'),
        (["config", "web", "port=eighty"], 1, 'option "port" expected int, got "eighty"'),
        (["integrate", "web", "nope"], 1, 'application "nope" not found'),
        (["status", "-m", "nosuch"], 1, "not found"),
        (["deploy", "./no/such/charm"], 1, 'charm or bundle path "no/such/charm" not found'),
    ],
)
def test_bad_input(deployed: InProcessController, args: list[str], code: int, message: str) -> None:
    before = deployed.status()
    r = deployed.cli(*args)
    assert r.exit_code == code, r.stderr
    assert r.stderr.startswith("ERROR ") and message in r.stderr, r.stderr
    assert r.stdout == ""
    # A refused command changed nothing.
    assert without_times(deployed.status()) == without_times(before)


def test_the_controller_finds_the_endpoint_usage_error(inprocess: InProcessController) -> None:
    """Not the CLI: the same call through the bare client gets a 400 carrying a UsageError."""
    client = Client("http://controller.invalid", inprocess.token, transport=inprocess.transport)
    with pytest.raises(UsageError) as caught:
        client.integrate("admin/default", ":db", "web")
    assert caught.value.exit_code == 2
    with pytest.raises(ApplicationNotFoundError):
        client.show_application("admin/default", "web")


def test_a_usage_error_from_any_controller_exits_2(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The exit code follows the error's class as rebuilt from the wire, not the command."""
    monkeypatch.setenv("PYJUJU_DATA", str(tmp_path))
    ClientStore().add_controller("stub", {"api-endpoints": ["http://stub.invalid"]}, "t", switch=True)
    ClientStore().set_current_model("stub", "admin/default")
    answers = {"usage": 2, "invalid-argument": 1, "not-found": 1, "not-supported": 1}
    for code, exit_code in answers.items():
        def handler(request: httpx.Request, code: str = code) -> httpx.Response:
            return httpx.Response(400, json={"error": {"code": code, "message": f"refused: {code}", "details": {}}})

        r = CliRunner().invoke(cli, ["status"], obj=Connector(httpx.MockTransport(handler)))
        assert (r.exit_code, r.stderr) == (exit_code, f"ERROR refused: {code}\n")


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/api/models/admin:default/relations", {"endpoints": [":db", "web"]}, 400, "usage"),
        ("GET", "/api/models/admin:default/applications/nope", None, 404, "application-not-found"),
        ("POST", "/api/models", {"name": "default"}, 409, "already-exists"),
        ("POST", "/api/models", {"bogus": 1}, 400, "invalid-argument"),
    ],
)
def test_the_api_answers_with_the_status_of_the_error_class(
        inprocess: InProcessController, method: str, path: str, body: dict | None, status: int, code: str) -> None:
    with httpx.Client(transport=inprocess.transport, base_url="http://controller.invalid",
                      headers={"Authorization": f"Bearer {inprocess.token}"}) as http:
        resp = http.request(method, path, json=body)
    assert (resp.status_code, resp.json()["error"]["code"]) == (status, code)
    with httpx.Client(transport=inprocess.transport, base_url="http://controller.invalid") as http:
        resp = http.get("/api/models")
    assert (resp.status_code, resp.json()["error"]["code"]) == (401, "unauthorized")


def test_an_unknown_format_is_a_flag_error_before_any_call(inprocess: InProcessController) -> None:
    """Juju's flag parser refuses ``--format xml`` (exit 2) before it talks to the controller."""
    for args in (("status", "--format", "xml"), ("models", "--format", "xml"), ("config", "x", "--format", "xml"),
                 ("show-operation", "1", "--format", "tabular")):
        r = inprocess.cli(*args, "-m", "nosuch") if args[0] != "models" else inprocess.cli(*args)
        assert r.exit_code == 2, (args, r.stderr)
        assert r.stderr == f'ERROR invalid value "{args[-1]}" for option --format: unknown format "{args[-1]}"\n'


def test_model_config_names_the_model_of_an_unknown_key(inprocess: InProcessController) -> None:
    r = inprocess.cli("model-config", "nosuch-key")
    assert (r.exit_code, r.stderr) == (1, 'ERROR key "nosuch-key" not found in "default" model.\n')
