"""Model configuration: defaults, types and validation of ``model-config`` keys."""

from __future__ import annotations

from typing import Any

from ...core.duration import parse_duration
from ...core.errors import ConfigError

DEFAULTS: dict[str, Any] = {
    "update-status-hook-interval": "5m",
    "automatically-retry-hooks": True,
    "logging-config": "<root>=INFO;unit=DEBUG",
    "default-base": "",
    "default-space": "alpha",
    "juju-http-proxy": "",
    "juju-https-proxy": "",
    "juju-ftp-proxy": "",
    "juju-no-proxy": "127.0.0.1,localhost,::1",
    "http-proxy": "",
    "https-proxy": "",
    "ftp-proxy": "",
    "no-proxy": "127.0.0.1,localhost,::1",
}

READ_ONLY = ("name", "type", "uuid")
_BOOL = {"automatically-retry-hooks"}


def coerce(key: str, value: Any) -> Any:
    """Validate one user-supplied value; strings from the CLI are converted by key type."""
    if key in READ_ONLY:
        raise ConfigError(f'cannot change read-only model config key "{key}"', key=key)
    if key not in DEFAULTS:
        raise ConfigError(f'unknown model config key "{key}"', key=key)
    if key in _BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ConfigError(f"{key}: expected bool, got {value!r}", key=key)
    if not isinstance(value, str):
        value = str(value)
    if key == "update-status-hook-interval":
        secs = parse_duration(value)
        # Juju bounds this to 1m..60m; pyjuju allows down to 1s so tests and
        # demos can watch update-status without waiting a minute.
        if secs < 1 or secs > 3600:
            raise ConfigError(
                f"update-status-hook-interval cannot be {value}: must be between 1s and 60m",
                key=key,
            )
    return value


def effective(user: dict[str, Any]) -> dict[str, Any]:
    out = dict(DEFAULTS)
    out.update(user)
    return out


def update_status_seconds(config: dict[str, Any]) -> float:
    return parse_duration(str(effective(config)["update-status-hook-interval"]))
