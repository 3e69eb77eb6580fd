"""Every error class carries its wire code, CLI exit code and HTTP status; a UsageError stays one
across the wire, so the CLI exits 2 for it whichever side raised it."""

from __future__ import annotations

import httpx
import pytest

from pyjuju.bundle.spec import BundleError
from pyjuju.client._errors import raise_for
from pyjuju.core import errors
from pyjuju.core.errors import PyjujuError

# class -> (code, exit code, HTTP status): the contract, written out so a change is deliberate.
EXPECTED: dict[type[PyjujuError], tuple[str, int, int]] = {
    errors.PyjujuError: ("error", 1, 500),
    errors.NotFoundError: ("not-found", 1, 404),
    errors.ModelNotFoundError: ("model-not-found", 1, 404),
    errors.ApplicationNotFoundError: ("application-not-found", 1, 404),
    errors.UnitNotFoundError: ("unit-not-found", 1, 404),
    errors.MachineNotFoundError: ("machine-not-found", 1, 404),
    errors.CharmNotFoundError: ("charm-not-found", 1, 404),
    errors.RelationNotFoundError: ("relation-not-found", 1, 404),
    errors.SecretNotFoundError: ("secret-not-found", 1, 404),
    errors.ControllerNotFoundError: ("controller-not-found", 1, 404),
    errors.AlreadyExistsError: ("already-exists", 1, 409),
    errors.InvalidArgumentError: ("invalid-argument", 1, 400),
    errors.UsageError: ("usage", 2, 400),
    errors.ConfigError: ("config-invalid", 1, 400),
    errors.CharmError: ("charm-invalid", 1, 400),
    errors.UnauthorizedError: ("unauthorized", 1, 401),
    errors.ForbiddenError: ("forbidden", 1, 403),
    errors.NotLeaderError: ("not-leader", 1, 403),
    errors.ConflictError: ("conflict", 1, 409),
    errors.NotSupportedError: ("not-supported", 1, 501),
    errors.ProviderError: ("provider-error", 1, 500),
    errors.ConstraintsNotMetError: ("constraints-not-met", 1, 400),
    errors.StoreError: ("store-error", 1, 500),
    errors.ConnectionFailedError: ("connection-failed", 1, 500),
    BundleError: ("bundle-invalid", 1, 400),
}


def test_every_registered_class_is_listed() -> None:
    assert set(errors.REGISTRY.values()) == set(EXPECTED) - {PyjujuError}


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda c: c.__name__)
def test_code_exit_and_status(cls: type[PyjujuError]) -> None:
    code, exit_code, status = EXPECTED[cls]
    err = cls("boom")
    assert (err.code, err.exit_code, err.http_status) == (code, exit_code, status)


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda c: c.__name__)
def test_the_client_rebuilds_the_class_with_its_exit_code(cls: type[PyjujuError]) -> None:
    """What the API server sends (body and status) comes back as the same class."""
    sent = cls("boom", unit="app/0")
    resp = httpx.Response(sent.http_status, json={"error": sent.to_dict()})
    with pytest.raises(PyjujuError) as caught:
        raise_for(resp)
    got = caught.value
    assert type(got) is cls
    assert (got.message, got.details, got.exit_code) == ("boom", {"unit": "app/0"}, EXPECTED[cls][1])


def test_usage_errors_are_invalid_arguments() -> None:
    """Code that catches InvalidArgumentError keeps catching usage errors."""
    assert issubclass(errors.UsageError, errors.InvalidArgumentError)
    assert PyjujuError.from_dict({"code": "usage", "message": "m"}).exit_code == 2
    assert PyjujuError.from_dict({"code": "invalid-argument", "message": "m"}).exit_code == 1
    assert PyjujuError.from_dict({"code": "no-such-code", "message": "m"}).exit_code == 1
