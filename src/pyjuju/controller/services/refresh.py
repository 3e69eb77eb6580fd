"""``refresh``: switching an application to another revision of its charm.

A refresh may go forward (a new upload) or back (any stored revision). It is
refused when the new charm would change what the application is (its name, or
whether it is a subordinate) or would break one of its relations; options the
new charm lacks are dropped and values the new schema refuses are forgotten.
"""

from __future__ import annotations

from typing import Any

from ... import charm as charmlib
from ...core.errors import ApplicationNotFoundError, ConfigError, InvalidArgumentError
from ...store import CharmRow, ModelRow, WriteTx
from .base import Services
from .charms import config_schema, get_charm
from .lookup import find_alive_application, resolve_model


def refresh(svc: Services, model_ref: str, application: str, *, charm_url: str | None = None,
            revision: int | None = None) -> dict[str, Any]:
    """Switch an application to another revision of its charm (a new upload, or any stored
    earlier one: a rollback). Options the new charm lacks are dropped; new ones get defaults.
    Returns ``{"charm-url", "changed", "revision"}``."""
    if (charm_url is None) == (revision is None):
        raise InvalidArgumentError("give exactly one of charm_url and revision")
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        current = get_charm(tx, m.uuid, app.charm_url)
        if revision is not None:
            charm_url = f"local:{current.name}-{revision}"
            if tx.charm(m.uuid, charm_url) is None:
                known = ", ".join(str(c.revision) for c in tx.charms(m.uuid, current.name))
                raise ApplicationNotFoundError(
                    f'charm "{current.name}" has no revision {revision} (stored: {known})',
                    application=application, revision=revision,
                )
        assert charm_url is not None
        new = get_charm(tx, m.uuid, charm_url)
        if new.name != current.name:
            raise InvalidArgumentError(
                f'cannot refresh "{application}" from charm "{current.name}" to "{new.name}": '
                "use a charm with the same name", application=application,
            )
        if new.url == app.charm_url:
            return {"charm-url": new.url, "changed": False, "revision": new.revision}
        if bool(new.metadata.get("subordinate")) != app.subordinate:
            raise InvalidArgumentError(f'cannot refresh "{application}": subordinate flag would change')
        _check_relations_survive(tx, m, application, new)
        schema = config_schema(new)
        config = {k: v for k, v in app.config.items() if k in schema.options}
        try:
            config = schema.validate(config)
        except ConfigError:
            config = {k: v for k, v in config.items() if _fits(schema, k, v)}
        tx.update_application(
            m.uuid, application, charm_url=new.url, charm_version=app.charm_version + 1,
            config={k: v for k, v in config.items() if v is not None},
            config_version=app.config_version + 1,
        )
        return {"charm-url": new.url, "changed": True, "revision": new.revision}


def _fits(schema: charmlib.ConfigSchema, key: str, value: Any) -> bool:
    try:
        schema.validate({key: value})
        return True
    except ConfigError:
        return False


def _check_relations_survive(tx: WriteTx, m: ModelRow, application: str, new: CharmRow) -> None:
    meta = charmlib.parse_metadata(new.metadata, file=f"{new.url} metadata")
    endpoints = meta.endpoints()
    for rel in tx.relations(m.uuid):
        mine = rel.endpoint_of(application)
        if mine is None or rel.life != "alive":
            continue
        ep = endpoints.get(mine["name"])
        if ep is None or ep.interface != mine["interface"] or ep.role != mine["role"]:
            raise InvalidArgumentError(
                f'cannot refresh "{application}": the new charm would break relation "{rel.key}" '
                f'(endpoint "{mine["name"]}")', relation=rel.key,
            )
