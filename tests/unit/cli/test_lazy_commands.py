"""Commands load their modules on first use; the table that says where each lives is exact."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from pyjuju.cli.main import COMMANDS, cli, load_all


def test_table_matches_what_the_modules_register() -> None:
    load_all()
    registered = {name: cmd.callback.__module__ for name, cmd in cli.commands.items() if cmd.callback}
    assert registered == cli.lazy_commands
    assert sum(len(names) for names in COMMANDS.values()) == len(registered)


def test_a_command_imports_only_its_own_module() -> None:
    code = (
        "import sys\n"
        "from pyjuju.cli.main import cli\n"
        "assert cli.get_command(None, 'status') is not None\n"
        "heavy = [m for m in ('pyjuju.wire', 'pyjuju.bundle', 'pyjuju.charm', 'pyjuju.cli.commands.deploy',"
        " 'pyjuju.client.agent', 'asyncio') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for name in ("deploy", "export-bundle", "remove-machine", "wait-for", "version"):
        assert f"  {name} " in result.output
