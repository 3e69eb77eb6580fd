"""The controller daemon: ``python -m pyjuju.cmd.controller --data-dir DIR``.

Reads ``DIR/controller.json`` (written by ``pyjuju bootstrap``), opens the
store, prepares the provider, serves the API on every address agents need and
runs the workers. Writes ``DIR/api.json`` once it is listening.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

import uvicorn

from ..controller.apiserver import create_app
from ..controller.hub import ChangeHub
from ..controller.services import models as model_svc
from ..controller.services.base import Services
from ..controller.workers.cleanup import Cleanup
from ..controller.workers.firewaller import Firewaller
from ..controller.workers.provisioner import Provisioner
from ..core import timefmt
from ..providers.local import LocalProvider
from ..store import open_store
from ..store.rows import CredentialRow

log = logging.getLogger("pyjuju.controller")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="pyjuju-controller")
    ap.add_argument("--data-dir", required=True, type=Path)
    ap.add_argument("--destroy", action="store_true",
                    help="Do not serve: remove every machine and network this controller made.")
    args = ap.parse_args(argv)
    data_dir: Path = args.data_dir
    if args.destroy:
        cfg = json.loads((data_dir / "controller.json").read_text())
        LocalProvider(data_dir / "local", cfg["uuid"], cfg.get("network", "auto")).destroy_all()
        return
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        handlers=[logging.FileHandler(data_dir / "controller.log")],
    )
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    try:
        asyncio.run(serve(data_dir))
    except Exception:
        log.exception("controller failed")
        raise


async def serve(data_dir: Path) -> None:
    cfg: dict[str, Any] = json.loads((data_dir / "controller.json").read_text())
    store = open_store(f"sqlite:///{data_dir / 'state.db'}")
    provider = LocalProvider(data_dir / "local", cfg["uuid"], cfg.get("network", "auto"))
    await asyncio.to_thread(provider.prepare)
    hub = ChangeHub()
    store.add_listener(hub.publish)
    svc = Services(
        store=store,
        hub=hub,
        data_dir=data_dir,
        controller_name=cfg["name"],
        controller_uuid=cfg["uuid"],
        cloud=cfg.get("cloud", "local"),
        region=cfg.get("region", "localhost"),
        host=provider,
    )
    _first_start(svc, cfg)

    sockets = _bind(provider.controller_bind_addresses(), int(cfg.get("port") or 0))
    port = sockets[0].getsockname()[1]
    if cfg.get("port") != port:
        # Keep the port: a restarted controller must be where its agents look for it.
        cfg["port"] = port
        tmp = data_dir / "controller.json.tmp"
        tmp.write_text(json.dumps(cfg, indent=1))
        os.replace(tmp, data_dir / "controller.json")
    provisioner = Provisioner(svc, provider, port)
    firewaller = Firewaller(svc, provider, provisioner.provider_lock)
    cleanup = Cleanup(svc)
    server: uvicorn.Server | None = None
    workers: list[asyncio.Task[None]] = []

    async def destroy() -> None:
        for t in workers:
            t.cancel()
        with store.write() as tx:
            for m in tx.models():
                tx.update_model(m.uuid, life="dead")
        await provisioner.destroy_all()
        log.info("controller destroyed; exiting")
        assert server is not None
        server.should_exit = True

    app = create_app(svc, destroy=destroy)
    config = uvicorn.Config(app, log_level="warning", access_log=False, ws_ping_interval=20,
                            ws_ping_timeout=60, lifespan="off")
    server = uvicorn.Server(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))

    workers.append(asyncio.create_task(provisioner.run()))
    workers.append(asyncio.create_task(firewaller.run()))
    workers.append(asyncio.create_task(cleanup.run()))
    api = {
        "port": port,
        "addresses": [f"{h}:{port}" for h in provider.controller_bind_addresses()],
        "pid": os.getpid(),
    }
    tmp = data_dir / "api.json.tmp"
    tmp.write_text(json.dumps(api))
    os.replace(tmp, data_dir / "api.json")
    log.info("controller %s listening on %s", cfg["name"], api["addresses"])
    try:
        await server.serve(sockets=sockets)
    finally:
        for t in workers:
            t.cancel()
        store.close()
        # Gone means not listening: a stale api.json would tell the next
        # start-controller that its new process is already up.
        (data_dir / "api.json").unlink(missing_ok=True)
        log.info("controller %s stopped", cfg["name"])


def _first_start(svc: Services, cfg: dict[str, Any]) -> None:
    with svc.store.write() as tx:
        if tx.controller_value("uuid") is not None:
            return
        tx.set_controller_value("uuid", cfg["uuid"])
        tx.set_controller_value("name", cfg["name"])
        tx.add_credential(
            CredentialRow(
                token_hash=cfg["admin_token_hash"],
                kind="user",
                entity="admin",
                model_uuid=None,
                created=timefmt.now_iso(),
            )
        )
    for name in cfg.get("initial_models", ["controller", "default"]):
        model_svc.add_model(svc, name, cfg.get("model_config") if name != "controller" else None,
                            constraints=cfg.get("model_constraints", ""))


def _bind(hosts: list[str], port: int) -> list[socket.socket]:
    out: list[socket.socket] = []
    for host in hosts:
        # proto=IPPROTO_TCP matters: asyncio only turns Nagle off (TCP_NODELAY) on
        # accepted sockets whose proto says TCP, and with Nagle on, every response
        # written as headers + body waits ~40 ms for the client's delayed ACK.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.bind((host, port))
        if port == 0:
            port = s.getsockname()[1]
        s.listen(1024)
        s.set_inheritable(True)
        out.append(s)
    return out


if __name__ == "__main__":
    main()
