"""User secrets: add-secret, secrets, show-secret, update-secret, grant-secret,
revoke-secret, remove-secret."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any

import click
import yaml

from ...core.errors import InvalidArgumentError, UsageError
from ..app import Session, cli, emit, format_option, model_option
from ..render.tables import Table

_KEY = re.compile(r"^([a-z](?:-?[a-z0-9]){2,})$")
MAX_VALUE = 8 * 1024
MAX_TOTAL = 64 * 1024


def parse_content(args: tuple[str, ...], file: str | None) -> dict[str, str]:
    """``key=value``, ``key#base64=value`` and ``key#file=path``, plus a YAML ``--file``."""
    content: dict[str, str] = {}
    if file:
        loaded = yaml.safe_load(Path(file).read_text()) or {}
        if not isinstance(loaded, dict):
            raise InvalidArgumentError(f"{file}: expected a map of key: value")
        content.update({str(k): "" if v is None else str(v) for k, v in loaded.items()})
    for arg in args:
        if "=" not in arg:
            raise UsageError(f'expected "key=value", got "{arg}"')
        key, _, value = arg.partition("=")
        if key.endswith("#base64"):
            key = key.removesuffix("#base64")
            try:
                value = base64.b64decode(value, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                raise InvalidArgumentError(f'key "{key}": invalid base64 value') from None
        elif key.endswith("#file"):
            key = key.removesuffix("#file")
            value = Path(value).expanduser().read_text()
        content[key] = value
    total = 0
    for key, value in content.items():
        if not _KEY.match(key):
            raise InvalidArgumentError(f'key "{key}" not valid')
        if value == "":
            raise InvalidArgumentError("empty secret value not valid")
        size = len(value.encode())
        if size > MAX_VALUE:
            raise InvalidArgumentError(f'secret content for key "{key}" too large: {size} bytes')
        total += size
    if total > MAX_TOTAL:
        raise InvalidArgumentError(f"secret content too large: {total} bytes")
    return content


@cli.command("add-secret")
@model_option
@click.argument("name")
@click.argument("args", nargs=-1)
@click.option("--info", default=None, help="A description of the secret.")
@click.option("--file", "file_", default=None, type=click.Path(exists=True, dir_okay=False),
              help="YAML file of key: value pairs.")
def add_secret(model: str | None, name: str, args: tuple[str, ...], info: str | None, file_: str | None) -> None:
    """Add a user secret and print its URI: `add-secret NAME key=value [key#base64=...] [key#file=PATH]`."""
    content = parse_content(args, file_)
    if not content:
        raise UsageError("missing secret value or filename")
    sess = Session(model)
    click.echo(sess.client().add_secret(sess.model, name, content, info))


@cli.command("secrets")
@model_option
@click.option("--owner", default=None, help="Only secrets of this owner.")
@format_option("tabular", ("tabular", "json", "yaml"))
def list_secrets(model: str | None, owner: str | None, fmt: str, output: str | None) -> None:
    """List the model's secrets (never their contents)."""
    sess = Session(model)
    doc = sess.client().secrets(sess.model, owner=owner)

    def tabular(d: dict[str, Any]) -> str:
        t = Table(["ID", "Name", "Owner", "Rotation", "Revision", "Last updated"])
        for sid, s in d.items():
            t.add_row(sid, s.get("name") or s.get("label") or "-", s["owner"], s.get("rotation", "never"),
                      str(s["revision"]), s["updated"])
        return t.render()

    emit(doc, fmt, tabular, output=output)


@cli.command("show-secret")
@model_option
@click.argument("ref")
@click.option("--reveal", is_flag=True, help="Include the content.")
@click.option("--revision", type=int, default=None, help="Reveal this revision.")
@click.option("--revisions", is_flag=True, help="List every revision.")
@format_option("yaml", ("yaml", "json"))
def show_secret(model: str | None, ref: str, reveal: bool, revision: int | None, revisions: bool, fmt: str,
                output: str | None) -> None:
    """Show a secret by URI, id or name."""
    sess = Session(model)
    doc = sess.client().secrets(sess.model, ref=ref, reveal=reveal or revision is not None, revision=revision,
                                revisions=revisions)
    emit(doc, fmt, output=output)


@cli.command("update-secret")
@model_option
@click.argument("ref")
@click.argument("args", nargs=-1)
@click.option("--info", default=None, help="A new description.")
@click.option("--name", default=None, help="A new name.")
@click.option("--auto-prune/--no-auto-prune", default=None, help="Remove revisions nobody tracks.")
@click.option("--file", "file_", default=None, type=click.Path(exists=True, dir_okay=False))
def update_secret(model: str | None, ref: str, args: tuple[str, ...], info: str | None, name: str | None,
                  auto_prune: bool | None, file_: str | None) -> None:
    """Update a user secret: new content makes a new revision; applications using it hear of it."""
    content = parse_content(args, file_)
    sess = Session(model)
    sess.client().update_secret(sess.model, ref, content, description=info, name=name, auto_prune=auto_prune)


@cli.command("grant-secret")
@model_option
@click.argument("ref")
@click.argument("applications")
def grant_secret(model: str | None, ref: str, applications: str) -> None:
    """Let applications read a user secret: `grant-secret NAME app1,app2`."""
    sess = Session(model)
    sess.client().grant_secret(sess.model, ref, [a for a in applications.split(",") if a])


@cli.command("revoke-secret")
@model_option
@click.argument("ref")
@click.argument("applications")
def revoke_secret(model: str | None, ref: str, applications: str) -> None:
    """Take back applications' access to a user secret."""
    sess = Session(model)
    sess.client().grant_secret(sess.model, ref, [a for a in applications.split(",") if a], revoke=True)


@cli.command("remove-secret")
@model_option
@click.argument("ref")
@click.option("--revision", type=int, default=None, help="Remove only this revision.")
def remove_secret(model: str | None, ref: str, revision: int | None) -> None:
    """Remove a user secret (or one of its revisions)."""
    sess = Session(model)
    sess.client().remove_secret(sess.model, ref, revision)
