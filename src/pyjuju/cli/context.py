"""Resolving ``[controller:][user/]model`` and connecting to the right controller."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import click

from ..client import Client
from ..core.errors import ModelNotFoundError
from .clientstore import ClientStore

if TYPE_CHECKING:
    import httpx


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    controller: str
    model: str
    """Owner-qualified model name, e.g. ``admin/default``."""

    @property
    def short_model(self) -> str:
        return self.model.rpartition("/")[2]


def split_model_ref(ref: str) -> tuple[str | None, str]:
    controller, sep, model = ref.partition(":")
    if not sep:
        return None, ref
    return controller or None, model


def qualify(model: str) -> str:
    return model if "/" in model else f"admin/{model}"


def resolve(store: ClientStore, model_ref: str | None) -> Target:
    controller: str | None = None
    model: str | None = None
    if model_ref:
        controller, model = split_model_ref(model_ref)
    controller, _ = store.controller(controller)
    if not model:
        model = store.current_model(controller)
        if not model:
            raise ModelNotFoundError(
                f'No current model for controller {controller}.\n\nUse "pyjuju switch" to select a model, '
                'or "pyjuju add-model" to create one.'
            )
    return Target(controller, qualify(model))


def connect(store: ClientStore, controller: str, transport: httpx.BaseTransport | None = None) -> Client:
    """A client of ``controller`` at its recorded API address, with its recorded token.

    ``transport`` (see :class:`Connector`) carries the requests instead of the network."""
    _, info = store.controller(controller)
    endpoints = info.get("api-endpoints") or []
    url = endpoints[0] if endpoints else ""
    if not url.startswith("http"):
        url = f"http://{url}"
    return Client(url, store.token(controller), transport=transport)


@dataclasses.dataclass(frozen=True, slots=True)
class Connector:
    """How the commands of one CLI call reach their controllers.

    Passed as click's ``obj`` (``cli.main(args, obj=Connector(transport))``, or
    ``CliRunner().invoke(cli, args, obj=...)``); every :class:`~pyjuju.cli.app.Session`
    of the call then connects through ``transport``. Without one, clients dial the
    address in ``controllers.yaml``. The unit tests use it to run real commands
    against the controller's ASGI app in the same process."""

    transport: httpx.BaseTransport | None = None

    @staticmethod
    def current() -> Connector:
        """The connector given to the running command, or the network's."""
        ctx = click.get_current_context(silent=True)
        found = ctx.find_object(Connector) if ctx is not None else None
        return found if found is not None else Connector()

    def connect(self, store: ClientStore, controller: str) -> Client:
        return connect(store, controller, self.transport)
