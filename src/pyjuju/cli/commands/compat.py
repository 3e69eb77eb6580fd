"""The rest of the ``juju`` command line that clients such as jubilant call: version,
trust, machines, model constraints, SSH keys, the client's clouds and credentials,
``install-shim``, and clear "not supported yet" answers for cross-model commands."""

from __future__ import annotations

import platform
import stat
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from ...core.constraints import Constraints
from ...core.errors import InvalidArgumentError, NotFoundError, NotSupportedError, UsageError
from ...core.version import JUJU_VERSION, PYJUJU_VERSION
from .. import clientfiles
from ..app import Session, cli, emit, format_option, info, model_option


def version_string() -> str:
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return f"{JUJU_VERSION}-genericlinux-{arch}"


@cli.command()
@click.option("--all", "all_", is_flag=True, help="Show build details too.")
@format_option("smart", ("smart", "json", "yaml"))
def version(all_: bool, fmt: str, output: str | None) -> None:
    """Print the Juju version this client speaks (pyjuju's own with --all)."""
    if not all_:
        if fmt == "smart":
            click.echo(version_string())
        else:
            emit(version_string(), fmt, output=output)
        return
    doc = {"version": version_string(), "git-commit": "", "git-tree-state": "clean",
           "compiler": f"pyjuju {PYJUJU_VERSION} (CPython {platform.python_version()})"}
    emit(doc, "yaml" if fmt == "smart" else fmt, output=output)


@cli.command()
@model_option
@click.argument("application")
@click.option("--remove", is_flag=True, help="Take the trust away.")
@click.option("--scope", default=None, help="Kubernetes only: cluster.")
def trust(model: str | None, application: str, remove: bool, scope: str | None) -> None:
    """Let an application use the model's cloud credentials (credential-get)."""
    sess = Session(model)
    sess.client().trust(sess.model, application, not remove)


# The series names Juju still accepts, as bases.
SERIES = {"focal": "ubuntu@20.04", "jammy": "ubuntu@22.04", "noble": "ubuntu@24.04",
          "bullseye": "debian@11", "bookworm": "debian@12"}


@cli.command("add-machine")
@model_option
@click.argument("target", required=False)
@click.option("-n", "count", type=int, default=1, show_default=True, help="How many machines.")
@click.option("--constraints", multiple=True, metavar="KEY=VALUE",
              help="Over the model's constraints; refused if the provider cannot meet them.")
@click.option("--base", default=None, metavar="NAME@CHANNEL", help="Base the machines must run.")
@click.option("--series", default=None, hidden=True)
@click.option("--disks", multiple=True, hidden=True)
@click.option("--private-key", default=None, hidden=True)
@click.option("--public-key", default=None, hidden=True)
def add_machine(model: str | None, target: str | None, count: int, constraints: tuple[str, ...],
                base: str | None, series: str | None, disks: tuple[str, ...], private_key: str | None,
                public_key: str | None) -> None:
    """Add empty machines to the model (they stay until removed with remove-machine).

    \b
    Examples:
      pyjuju add-machine
      pyjuju add-machine -n 3 --constraints cores=2 --constraints mem=2G
    Place units on them with `deploy --to N` or `add-unit --to N`. Local
    machines run this host's OS; containers (lxd, lxd:N), zones and ssh:
    targets are not supported by the local provider.
    """
    if count < 1:
        raise UsageError("-n must be a positive number")
    if series:
        if base:
            raise UsageError("--series and --base cannot be used together")
        if series not in SERIES:
            raise UsageError(f'unknown series "{series}" (use --base NAME@CHANNEL)')
        base = SERIES[series]
    if disks:
        raise NotSupportedError("add-machine --disks: machine disks are not supported by the local provider yet",
                                feature="disks")
    if (private_key or public_key) and not (target or "").startswith("ssh:"):
        raise UsageError("--private-key and --public-key apply to ssh: targets only")
    Constraints.parse(*constraints)  # refuse bad constraints before anything is sent
    sess = Session(model)
    for mid in sess.client().add_machines(sess.model, count, " ".join(constraints), target, base or ""):
        info(f"created machine {mid}")


@cli.command("model-constraints")
@model_option
@format_option("constraints", ("constraints", "json", "yaml"))
def model_constraints(model: str | None, fmt: str, output: str | None) -> None:
    """Show the model's constraints."""
    sess = Session(model)
    doc = sess.client().model_constraints(sess.model)
    if fmt == "constraints":
        click.echo(str(Constraints(tuple(doc.items()))))
        return
    emit(doc, fmt, output=output)


@cli.command("set-model-constraints")
@model_option
@click.argument("constraints", nargs=-1)
def set_model_constraints(model: str | None, constraints: tuple[str, ...]) -> None:
    """Set the model's constraints: `set-model-constraints mem=4G cores=2`."""
    text = str(Constraints.parse(*constraints))
    sess = Session(model)
    sess.client().set_model_constraints(sess.model, text)


@cli.command("add-ssh-key")
@model_option
@click.argument("keys", nargs=-1, required=True)
def add_ssh_key(model: str | None, keys: tuple[str, ...]) -> None:
    """Record public keys for the model's machines."""
    sess = Session(model)
    sess.client().ssh_keys(sess.model, add=list(keys))


@cli.command("remove-ssh-key")
@model_option
@click.argument("keys", nargs=-1, required=True)
def remove_ssh_key(model: str | None, keys: tuple[str, ...]) -> None:
    """Forget public keys (by key, comment or fingerprint)."""
    sess = Session(model)
    sess.client().ssh_keys(sess.model, remove=list(keys))


@cli.command("ssh-keys")
@model_option
def list_ssh_keys(model: str | None) -> None:
    """List the model's public keys."""
    sess = Session(model)
    for key in sess.client().ssh_keys(sess.model):
        click.echo(key)


def _not_supported(name: str, what: str) -> None:
    @cli.command(name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        raise NotSupportedError(f"{name}: {what} are not supported yet", feature=name)

    command.__doc__ = f"Not supported yet ({what})."


for _name, _what in (("offer", "cross-model relations (offers)"), ("consume", "cross-model relations (offers)"),
                     ("find-offers", "cross-model relations (offers)"), ("offers", "cross-model relations (offers)"),
                     ("remove-offer", "cross-model relations (offers)"),
                     ("scale-application", "Kubernetes models")):
    _not_supported(_name, _what)


# -- the client's clouds and credentials (clouds.yaml, credentials.yaml) ---------------
def _load_yaml_file(path: str, key: str) -> dict[str, Any]:
    doc = yaml.safe_load(Path(path).read_text()) or {}
    section = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(section, dict):
        raise InvalidArgumentError(f'{path}: expected a "{key}:" map')
    return section


def _cloud_options(f: Any) -> Any:
    f = click.option("--client", is_flag=True, help="Only this client's copy (pyjuju keeps only that).")(f)
    return click.option("-c", "--controller", default=None, help="Accepted; clouds are kept by the client.")(f)


@cli.command("add-cloud")
@click.argument("cloud")
@click.argument("file_arg", required=False)
@click.option("-f", "--file", "file_", default=None, type=click.Path(exists=True, dir_okay=False))
@click.option("--credential", default=None, hidden=True)
@click.option("--force", is_flag=True, hidden=True)
@click.option("--target-controller", default=None, hidden=True)
@_cloud_options
def add_cloud(cloud: str, file_arg: str | None, file_: str | None, credential: str | None, force: bool,
              target_controller: str | None, client: bool, controller: str | None) -> None:
    """Add a cloud definition from a YAML file ({clouds: {NAME: {...}}})."""
    path = file_ or file_arg
    if not path:
        raise UsageError("a cloud definition file is required (--file)")
    clouds = _load_yaml_file(path, "clouds")
    if cloud not in clouds:
        raise InvalidArgumentError(f'cloud "{cloud}" not found in {path}')
    doc = clientfiles.read("clouds.yaml")
    doc.setdefault("clouds", {})
    if cloud in doc["clouds"] and not force:
        raise InvalidArgumentError(f'cloud "{cloud}" already exists; use update-cloud')
    doc["clouds"][cloud] = clouds[cloud]
    clientfiles.write("clouds.yaml", doc)


@cli.command("update-cloud")
@click.argument("cloud")
@click.option("-f", "--file", "file_", required=True, type=click.Path(exists=True, dir_okay=False))
@_cloud_options
def update_cloud(cloud: str, file_: str, client: bool, controller: str | None) -> None:
    """Replace a cloud definition."""
    clouds = _load_yaml_file(file_, "clouds")
    doc = clientfiles.read("clouds.yaml")
    if cloud not in (doc.get("clouds") or {}):
        raise NotFoundError(f'cloud "{cloud}" not found')
    doc["clouds"][cloud] = clouds.get(cloud, next(iter(clouds.values())))
    clientfiles.write("clouds.yaml", doc)


@cli.command("show-cloud")
@click.argument("cloud")
@click.option("--include-config", is_flag=True, hidden=True)
@format_option("yaml", ("yaml", "json"))
@_cloud_options
def show_cloud(cloud: str, include_config: bool, fmt: str, output: str | None, client: bool,
               controller: str | None) -> None:
    """Show a cloud definition."""
    doc = (clientfiles.read("clouds.yaml").get("clouds") or {}).get(cloud)
    if doc is None:
        if cloud in ("local", "localhost"):
            doc = {"type": "local", "description": "Processes (and network namespaces) on this host"}
        else:
            raise NotFoundError(f'cloud "{cloud}" not found')
    emit({"name": cloud, **doc} if fmt == "json" else {cloud: doc}, fmt, output=output)


@cli.command("remove-cloud")
@click.argument("cloud")
@_cloud_options
def remove_cloud(cloud: str, client: bool, controller: str | None) -> None:
    """Forget a cloud definition."""
    doc = clientfiles.read("clouds.yaml")
    if cloud not in (doc.get("clouds") or {}):
        raise NotFoundError(f'cloud "{cloud}" not found')
    del doc["clouds"][cloud]
    clientfiles.write("clouds.yaml", doc)


@cli.command("clouds")
@format_option("tabular", ("tabular", "json", "yaml"))
@_cloud_options
@click.option("--all", "all_", is_flag=True, hidden=True)
def clouds(fmt: str, output: str | None, client: bool, controller: str | None, all_: bool) -> None:
    """List clouds: local, plus those added with add-cloud."""
    doc = {"local": {"type": "local", "description": "Processes (and network namespaces) on this host"}}
    doc.update(clientfiles.read("clouds.yaml").get("clouds") or {})

    def tabular(d: dict[str, Any]) -> str:
        from ..render.tables import Table

        t = Table(["Cloud", "Type", "Description"])
        for name, c in d.items():
            t.add_row(name, c.get("type", ""), c.get("description", ""))
        return t.render()

    emit(doc, fmt, tabular, output=output)


@cli.command("add-credential")
@click.argument("cloud")
@click.option("-f", "--file", "file_", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--region", default=None, hidden=True)
@_cloud_options
def add_credential(cloud: str, file_: str, region: str | None, client: bool, controller: str | None) -> None:
    """Add credentials for a cloud from a YAML file ({credentials: {CLOUD: {NAME: {...}}}})."""
    creds = _load_yaml_file(file_, "credentials")
    doc = clientfiles.read("credentials.yaml")
    doc.setdefault("credentials", {}).setdefault(cloud, {}).update(creds.get(cloud) or {})
    clientfiles.write("credentials.yaml", doc, mode=0o600)


@cli.command("credentials")
@click.argument("cloud", required=False)
@click.option("--show-secrets", is_flag=True, help="Include secret attributes.")
@format_option("tabular", ("tabular", "json", "yaml"))
@_cloud_options
def credentials(cloud: str | None, show_secrets: bool, fmt: str, output: str | None, client: bool,
                controller: str | None) -> None:
    """List the client's credentials."""
    creds = clientfiles.read("credentials.yaml").get("credentials") or {}
    out: dict[str, Any] = {}
    for cname, entries in creds.items():
        if cloud and cname != cloud:
            continue
        cc = {}
        for name, cred in (entries or {}).items():
            if name in ("default-credential", "default-region"):
                continue
            details = {k: v for k, v in cred.items() if k != "auth-type"}
            if not show_secrets:
                details = {k: v for k, v in details.items() if not any(s in k for s in ("secret", "password", "key")) or
                           k == "access-key"}
            cc[name] = {"auth-type": cred.get("auth-type", ""), "details": details}
        out[cname] = {"cloud-credentials": cc}
    doc = {"client-credentials": out}

    def tabular(d: dict[str, Any]) -> str:
        from ..render.tables import Table

        t = Table(["Cloud", "Credentials"])
        for name, c in d["client-credentials"].items():
            t.add_row(name, ", ".join(c["cloud-credentials"]))
        return t.render()

    emit(doc, fmt, tabular, output=output)


@cli.command("install-shim")
@click.argument("directory", type=click.Path(file_okay=False))
def install_shim(directory: str) -> None:
    """Write a `juju` launcher into DIRECTORY for tools that insist on that name.

    Never installed by default, so a real Juju on the same machine is not shadowed.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    shim = d / "juju"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m pyjuju.cmd.cli \"$@\"\n")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    info(f"wrote {shim}")


