"""The pyjuju error hierarchy.

Every error pyjuju raises on purpose derives from :class:`PyjujuError` and carries
a stable ``code`` string. The code is what crosses process boundaries: the API
server puts it in error bodies and the client re-raises the matching class from
:data:`REGISTRY`, so no layer ever classifies an error by its message text.

::

    PyjujuError                         code
    ├── NotFoundError                   not-found
    │   ├── ModelNotFoundError          model-not-found
    │   ├── ApplicationNotFoundError    application-not-found
    │   ├── UnitNotFoundError           unit-not-found
    │   ├── MachineNotFoundError        machine-not-found
    │   ├── CharmNotFoundError          charm-not-found
    │   ├── RelationNotFoundError       relation-not-found
    │   ├── SecretNotFoundError         secret-not-found
    │   └── ControllerNotFoundError     controller-not-found
    ├── AlreadyExistsError              already-exists
    ├── InvalidArgumentError            invalid-argument
    │   └── ConfigError                 config-invalid
    ├── CharmError                      charm-invalid
    ├── UnauthorizedError               unauthorized
    ├── ForbiddenError                  forbidden
    ├── NotLeaderError                  not-leader
    ├── ConflictError                   conflict
    ├── NotSupportedError               not-supported
    ├── ProviderError                   provider-error
    │   └── ConstraintsNotMetError      constraints-not-met
    ├── StoreError                      store-error
    └── ConnectionFailedError           connection-failed

Subclasses defined in other packages register themselves with
:func:`register` so that the client can rebuild them from a code.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

REGISTRY: dict[str, type[PyjujuError]] = {}

_E = TypeVar("_E", bound="type[PyjujuError]")


def register(cls: _E) -> _E:
    """Record ``cls`` under its ``code`` so a wire error can be rebuilt."""
    REGISTRY[cls.code] = cls
    return cls


class PyjujuError(Exception):
    """Root of every error pyjuju raises on purpose.

    ``message`` is what a user reads (the CLI prints ``ERROR <message>``);
    ``details`` carries structured fields (which file, which key, which unit)
    so callers never parse the message.
    """

    code: ClassVar[str] = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """The error as it travels on the wire."""
        return {"code": self.code, "message": self.message, "details": self.details}

    @staticmethod
    def from_dict(data: dict[str, Any]) -> PyjujuError:
        """Rebuild the most specific known error class for ``data['code']``."""
        cls = REGISTRY.get(str(data.get("code", "")), PyjujuError)
        err = cls.__new__(cls)
        PyjujuError.__init__(err, str(data.get("message", "")), **(data.get("details") or {}))
        return err


@register
class NotFoundError(PyjujuError):
    code = "not-found"


@register
class ModelNotFoundError(NotFoundError):
    code = "model-not-found"


@register
class ApplicationNotFoundError(NotFoundError):
    code = "application-not-found"


@register
class UnitNotFoundError(NotFoundError):
    code = "unit-not-found"


@register
class MachineNotFoundError(NotFoundError):
    code = "machine-not-found"


@register
class CharmNotFoundError(NotFoundError):
    code = "charm-not-found"


@register
class RelationNotFoundError(NotFoundError):
    code = "relation-not-found"


@register
class SecretNotFoundError(NotFoundError):
    code = "secret-not-found"


@register
class ControllerNotFoundError(NotFoundError):
    code = "controller-not-found"


@register
class AlreadyExistsError(PyjujuError):
    code = "already-exists"


@register
class InvalidArgumentError(PyjujuError):
    code = "invalid-argument"


@register
class ConfigError(InvalidArgumentError):
    code = "config-invalid"


@register
class CharmError(PyjujuError):
    """A charm is malformed; ``details`` name the ``file`` and ``field``."""

    code = "charm-invalid"


@register
class UnauthorizedError(PyjujuError):
    code = "unauthorized"


@register
class ForbiddenError(PyjujuError):
    code = "forbidden"


@register
class NotLeaderError(PyjujuError):
    code = "not-leader"


@register
class ConflictError(PyjujuError):
    code = "conflict"


@register
class NotSupportedError(PyjujuError):
    code = "not-supported"


@register
class ProviderError(PyjujuError):
    code = "provider-error"


@register
class ConstraintsNotMetError(ProviderError):
    """The provider cannot make a machine that meets the constraints.

    Raised synchronously (at deploy, add-unit and add-machine time, before anything
    is stored) so a user learns at once instead of finding a machine stuck in
    provisioning error; ``details["constraints"]`` lists the keys that failed."""

    code = "constraints-not-met"


@register
class StoreError(PyjujuError):
    code = "store-error"


@register
class ConnectionFailedError(PyjujuError):
    code = "connection-failed"
