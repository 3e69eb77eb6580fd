"""start-controller and stop-controller: the controller process, without destroying anything.

A local controller is one process on this host plus one agent process per
machine. Nothing restarts them after a reboot, and the pid ``controllers.yaml``
recorded is stale then; these two commands are how a user gets the model back
(``start-controller``) or frees the host for a while (``stop-controller``).

Stopping leaves the machine agents running, as stopping a Juju controller
leaves the workloads and agents on its machines alone: they keep retrying
their connection and carry on when the controller is back. Starting brings
back whatever is missing: the controller re-creates its bridge, and its
provisioner restarts every machine agent that is not running (re-creating the
machine's network namespace first), so after a reboot the units resume.
"""

from __future__ import annotations

from pathlib import Path

import click

from ...core.errors import ConnectionFailedError, NotFoundError, ProviderError
from .. import controllerproc
from ..app import Session, cli, info

_API_TIMEOUT = 60.0


@cli.command("stop-controller")
@click.argument("controller_name", required=False)
@click.option("-t", "--timeout", default=20.0, show_default=True, type=float, metavar="SECONDS",
              help="How long to wait for a graceful stop before the process is killed.")
def stop_controller(controller_name: str | None, timeout: float) -> None:
    """Stop a controller's process (default: the current controller); its models are kept.

    \b
    The controller finishes what it is doing and exits; `pyjuju start-controller`
    starts it again. Machine agents keep running and reconnect when it is back
    (to stop everything for good, use destroy-controller). Stopping a controller
    that is not running does nothing.
    """
    sess = Session()
    name, ctl = sess.store.controller(controller_name)
    data_dir = Path(ctl.get("data-dir", ""))
    pid = controllerproc.find_controller(data_dir, int(ctl.get("pid") or 0)) if data_dir.is_dir() else None
    if pid is None:
        info(f'controller "{name}" is not running')
        return
    info(f'Stopping controller "{name}" (pid {pid})')
    graceful = controllerproc.stop(pid, data_dir, timeout)
    if not graceful:
        info(f"controller did not stop within {timeout:g}s; killed it")
    sess.store.update_controller(name, pid=0)
    info(f'Controller "{name}" stopped; start it again with: pyjuju start-controller {name}')


@cli.command("start-controller")
@click.argument("controller_name", required=False)
def start_controller(controller_name: str | None) -> None:
    """Start a stopped controller again (default: the current controller), for example after a reboot.

    \b
    Starts the controller process from its data directory, waits until its API
    answers and records its new pid. The controller then restarts the machine
    agents that are not running, so units come back on their own. A controller
    that is already running is left alone.
    """
    sess = Session()
    name, ctl = sess.store.controller(controller_name)
    data_dir = Path(ctl.get("data-dir", ""))
    if not (data_dir / "controller.json").is_file():
        raise NotFoundError(
            f'controller "{name}" cannot be started: its data directory "{data_dir}" is missing '
            f"(or has no controller.json); `pyjuju kill-controller {name}` forgets it",
            controller=name, path=str(data_dir),
        )
    running = controllerproc.find_controller(data_dir, int(ctl.get("pid") or 0))
    if running is not None:
        if running != ctl.get("pid"):
            sess.store.update_controller(name, pid=running)
        info(f'controller "{name}" is already running (pid {running})')
        return
    info(f'Starting controller "{name}"')
    proc = controllerproc.spawn_controller(data_dir)
    api = controllerproc.wait_for_api(data_dir, proc, _API_TIMEOUT)
    fields = controllerproc.endpoints(api)
    sess.store.update_controller(name, **fields)
    try:
        sess.client(name).controller()
    except ConnectionFailedError as e:
        raise ProviderError(f'controller "{name}" started (pid {api["pid"]}) but its API does not answer: '
                            f"{e.message}; see {data_dir / 'controller.log'}") from None
    info(f'Controller "{name}" started (pid {api["pid"]}, API {fields["api-endpoints"][0]})')
