"""The click group, shared options and the single error boundary of the CLI.

Juju's conventions: ``ERROR <message>`` on stderr, exit 1 for runtime errors
and 2 for bad flags or arguments; flags may follow positionals; structured
output on stdout, progress on stderr.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..core.errors import PyjujuError
from .clientstore import ClientStore
from .context import Connector, Target, resolve
from .render.formats import render, unknown_format

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class PyjujuGroup(click.Group):
    """Renders every failure the Juju way, once; imports a command's module on first use."""

    lazy_commands: dict[str, str] = {}
    """Command name → the module that registers it (filled in by :mod:`pyjuju.cli.main`)."""
    load_all: Callable[[], None] | None = None

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            importlib.import_module(self.lazy_commands[cmd_name])
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        if self.load_all is not None:
            self.load_all()
        return super().list_commands(ctx)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> NoReturn:
        """Run a command and exit with its status, always: failures are rendered here,
        so click's own standalone mode stays off whatever ``standalone_mode`` says."""
        argv = list(sys.argv[1:] if args is None else args)
        args = self._go_bool_flags(argv)
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except click.Abort:
            sys.stderr.write("ERROR aborted\n")
            sys.exit(1)
        except click.ClickException as e:  # click's usage errors carry exit code 2
            sys.stderr.write(f"ERROR {e.format_message()}\n")
            sys.exit(e.exit_code)
        except PyjujuError as e:  # the class knows its exit code (2 for UsageError)
            sys.stderr.write(f"ERROR {e.message}\n")
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)

    _TRUE = {"1", "t", "T", "TRUE", "true", "True"}
    _FALSE = {"0", "f", "F", "FALSE", "false", "False"}

    def _go_bool_flags(self, argv: list[str]) -> list[str]:
        """Accept Go-style ``--force=true`` / ``--force=false`` for boolean flags, as Juju does."""
        name = next((a for a in argv if not a.startswith("-")), None)
        cmd = self.get_command(None, name) if name else None
        if cmd is None:
            return argv
        flags = {o for p in cmd.params if isinstance(p, click.Option) and p.is_flag and not p.secondary_opts
                 for o in p.opts}
        out: list[str] = []
        for a in argv:
            opt, sep, value = a.partition("=")
            if sep and opt in flags and (value in self._TRUE or value in self._FALSE):
                if value in self._TRUE:
                    out.append(opt)
                continue
            out.append(a)
        return out


@click.group(cls=PyjujuGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="pyjuju", prog_name="pyjuju", message="%(version)s")
def cli() -> None:
    """pyjuju: deploy and operate services with Juju charms.

    Speaks Juju's command line. Start with:

    \b
      pyjuju bootstrap local
      pyjuju deploy ./charms/hello
      pyjuju status
    """


def model_option(f: F) -> F:
    return click.option(
        "-m", "--model", "model", default=None, metavar="[CONTROLLER:][USER/]MODEL",
        help="Model to operate in (default: the current model).",
    )(f)


def format_option(default: str, choices: tuple[str, ...]) -> Callable[[F], F]:
    def deco(f: F) -> F:
        f = click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
                         help="Write the output to this file instead of stdout.")(f)
        return click.option("--format", "fmt", default=default, metavar="|".join(choices),
                            callback=_known_format,
                            help=f"Output format ({'|'.join(choices)}; default {default}).")(f)

    def _known_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
        # Checked while parsing, as Juju's flag parser does: before any call to the controller.
        if value not in choices:
            raise unknown_format(value)
        return value

    return deco


def emit(doc: Any, fmt: str, tabular: Callable[[Any], str] | None = None, *,
         output: str | None = None, extra: dict[str, Callable[[Any], str]] | None = None) -> None:
    text = render(doc, fmt, tabular, extra=extra)
    if output:
        Path(output).write_text(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def info(message: str) -> None:
    """Progress and notes go to stderr, like Juju's."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class Session:
    """The client store plus a lazily opened connection for one command.

    Connections go through the :class:`~pyjuju.cli.context.Connector` the call was
    given as click's ``obj`` (the network when none was)."""

    def __init__(self, model_ref: str | None = None) -> None:
        self.store = ClientStore()
        self._model_ref = model_ref
        self._target: Target | None = None
        self._clients: dict[str, Any] = {}
        self._connector = Connector.current()

    @property
    def target(self) -> Target:
        if self._target is None:
            self._target = resolve(self.store, self._model_ref)
        return self._target

    def client(self, controller: str | None = None) -> Any:
        name = controller or self.target.controller
        if name not in self._clients:
            self._clients[name] = self._connector.connect(self.store, name)
        return self._clients[name]

    @property
    def model(self) -> str:
        return self.target.model
