"""An application's settings: charm config options and trust.

Both feed the hooks' environment, so a change that alters what a hook would
see bumps the application's ``config_version`` (its units run config-changed);
a change that leaves the effective values as they were does not.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import ConfigError
from .base import Services
from .charms import config_schema, get_charm
from .lookup import find_alive_application, find_application, resolve_model


def get_config(svc: Services, model_ref: str, application: str) -> dict[str, Any]:
    """``config APP --format json``."""
    with svc.store.read() as tx:
        m = resolve_model(tx, model_ref)
        app = find_application(tx, m, application)
        charm = get_charm(tx, m.uuid, app.charm_url)
    settings: dict[str, Any] = {}
    for name, opt in sorted(charm.config.items()):
        entry: dict[str, Any] = {"description": opt.get("description") or "", "type": opt["type"]}
        default = opt.get("default")
        if default is not None:
            entry["default"] = default
        if name in app.config:
            entry["value"] = app.config[name]
            entry["source"] = "default" if default is not None and app.config[name] == default else "user"
        elif default is not None:
            entry["value"] = default
            entry["source"] = "default"
        else:
            entry["source"] = "unset"
        settings[name] = entry
    return {
        "application": application,
        "charm": charm.name,
        "application-config": {
            "trust": {
                "default": False,
                "description": "Does this application have access to trusted credentials",
                "source": "user" if app.trust else "default",
                "type": "bool",
                "value": bool(app.trust),
            }
        },
        "settings": settings,
    }


def set_config(
    svc: Services,
    model_ref: str,
    application: str,
    *,
    strings: dict[str, str],
    values: dict[str, Any],
    reset: list[str],
) -> bool:
    """Apply a config change; returns whether the effective config changed."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_alive_application(tx, m, application)
        charm = get_charm(tx, m.uuid, app.charm_url)
        schema = config_schema(charm)
        for key in reset:
            if key not in schema.options:
                raise ConfigError(f'unknown option "{key}"', key=key, application=application)
        new = dict(app.config)
        for key in reset:
            new.pop(key, None)
        new.update({k: v for k, v in schema.validate(values).items()})
        for key, text in strings.items():
            new[key] = schema.parse_string(key, text)
        new = {k: v for k, v in new.items() if v is not None}
        if schema.effective(new) == schema.effective(app.config):
            if new != app.config:
                tx.update_application(m.uuid, application, config=new)
            return False
        tx.update_application(m.uuid, application, config=new, config_version=app.config_version + 1)
        return True



def set_trust(svc: Services, model_ref: str, application: str, trust: bool) -> None:
    """``trust APP``: grant or take away access to the cloud credential (a config change)."""
    with svc.store.write() as tx:
        m = resolve_model(tx, model_ref)
        app = find_application(tx, m, application)
        if app.trust != trust:
            tx.update_application(m.uuid, application, trust=trust, config_version=app.config_version + 1)
