"""Model config keys: validation and coercion."""

from __future__ import annotations

import pytest

from pyjuju.controller.services import modelconfig
from pyjuju.core.errors import ConfigError, InvalidArgumentError


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("automatically-retry-hooks", True, True),
        ("automatically-retry-hooks", False, False),
        ("automatically-retry-hooks", "true", True),
        ("automatically-retry-hooks", "FALSE", False),
        ("automatically-retry-hooks", "True", True),
        ("update-status-hook-interval", "1s", "1s"),
        ("update-status-hook-interval", "5m", "5m"),
        ("update-status-hook-interval", "60m", "60m"),
        ("update-status-hook-interval", "1h", "1h"),
        ("update-status-hook-interval", "90s", "90s"),
        ("logging-config", "<root>=DEBUG", "<root>=DEBUG"),
        ("juju-http-proxy", "http://p:3128", "http://p:3128"),
        ("default-base", "ubuntu@22.04", "ubuntu@22.04"),
    ],
)
def test_coerce_accepts(key, value, expected) -> None:
    got = modelconfig.coerce(key, value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "key, value, fragment",
    [
        ("no-such-key", "x", "unknown model config key"),
        ("name", "x", "read-only"),
        ("uuid", "x", "read-only"),
        ("type", "x", "read-only"),
        ("automatically-retry-hooks", "yes", "expected bool"),
        ("automatically-retry-hooks", 1, "expected bool"),
        ("automatically-retry-hooks", "", "expected bool"),
        ("update-status-hook-interval", "0.5s", "between 1s and 60m"),
        ("update-status-hook-interval", "0", "between 1s and 60m"),
        ("update-status-hook-interval", "61m", "between 1s and 60m"),
        ("update-status-hook-interval", "2h", "between 1s and 60m"),
        ("update-status-hook-interval", "-5m", "between 1s and 60m"),
    ],
)
def test_coerce_refuses(key, value, fragment) -> None:
    with pytest.raises(ConfigError) as ei:
        modelconfig.coerce(key, value)
    assert fragment in str(ei.value)
    assert ei.value.details["key"] == key


@pytest.mark.parametrize("value", ["5", "five minutes", "", "5mm"])
def test_coerce_interval_must_be_a_duration(value) -> None:
    with pytest.raises(InvalidArgumentError):
        modelconfig.coerce("update-status-hook-interval", value)


def test_effective_and_update_status_seconds() -> None:
    assert modelconfig.update_status_seconds({}) == 300.0
    assert modelconfig.update_status_seconds({"update-status-hook-interval": "10s"}) == 10.0
    eff = modelconfig.effective({"automatically-retry-hooks": False})
    assert eff["automatically-retry-hooks"] is False
    assert eff["logging-config"] == "<root>=INFO;unit=DEBUG"
    assert set(eff) == set(modelconfig.DEFAULTS)


def test_every_default_passes_its_own_validation() -> None:
    for key, value in modelconfig.DEFAULTS.items():
        assert modelconfig.coerce(key, value) == value
