"""Bundle commands: ``diff-bundle`` and ``export-bundle`` (``deploy BUNDLE`` is deploy's)."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from ... import bundle as bundlelib
from .. import bundles
from ..app import Session, cli, info, model_option
from ..localcharms import charm_archive_bytes


@cli.command("diff-bundle")
@model_option
@click.argument("bundle_path")
@click.option("--overlay", "overlays", multiple=True, metavar="FILE", help="An overlay to apply first; repeatable.")
@click.option("--map-machines", default=None, metavar="existing[,B=M...]",
              help="Treat bundle machine N as the model's machine N where it exists (existing), "
                   "or bundle machine B as model machine M.")
@click.option("--annotations", is_flag=True, hidden=True)
def diff_bundle(model: str | None, bundle_path: str, overlays: tuple[str, ...], map_machines: str | None,
                annotations: bool) -> None:
    """Show how the model differs from a bundle (YAML; `{}` when they match).

    \b
    `missing: model` marks what only the bundle has, `missing: bundle` what only
    the model has; changed values show both sides.
      pyjuju diff-bundle ./bundle.yaml
      pyjuju diff-bundle ./bundle.yaml --overlay ./prod.yaml
    """
    map_existing, machine_map = bundles.parse_map_machines(map_machines)
    sess = Session(model)
    client = sess.client()
    prepared = bundles.prepare(client, sess.model, Path(bundle_path).expanduser(),
                               [Path(o).expanduser() for o in overlays],
                               lambda p: charm_archive_bytes(p, info), force=True)
    doc = bundlelib.diff_bundle(prepared.snapshot, prepared.checked, map_existing=map_existing,
                                machine_map=machine_map)
    click.echo(yaml.safe_dump(doc, sort_keys=False, default_flow_style=False) if doc else "{}\n", nl=False)


@cli.command("export-bundle")
@model_option
@click.option("--filename", default=None, metavar="FILE",
              help="Write the bundle here, with the charm archives (and resources) saved beside it.")
@click.option("--include-charm-defaults", is_flag=True, help="Also list options left at their charm defaults.")
@click.option("--include-series", is_flag=True, hidden=True)
def export_bundle(model: str | None, filename: str | None, include_charm_defaults: bool,
                  include_series: bool) -> None:
    """Export the model as a bundle that deploys back into the same topology.

    \b
    Printed to stdout, local charms are named by their model URL (local:NAME-REV),
    which deploys only into this model. With --filename the charm archives are
    written to charms/ next to the file and referenced by relative path, so the
    bundle deploys anywhere:
      pyjuju export-bundle --filename backup/bundle.yaml
      pyjuju deploy ./backup/bundle.yaml -m other-model
    """
    sess = Session(model)
    target = Path(filename).expanduser() if filename else None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
    text = bundles.export(sess.client(), sess.model, target, include_defaults=include_charm_defaults)
    if target is None:
        click.echo(text, nl=False)
    else:
        target.write_text(text)
        info(f"Bundle successfully exported to {target}")
