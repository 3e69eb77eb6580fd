"""The pyjuju error hierarchy.

Every error pyjuju raises on purpose derives from :class:`PyjujuError` and carries
a stable ``code`` string. The code is what crosses process boundaries: the API
server puts it in error bodies and the client re-raises the matching class from
:data:`REGISTRY`, so no layer ever classifies an error by its message text.

Each class also knows how it ends a CLI call (``exit_code``: 1 for runtime
errors, 2 for bad flags or arguments, as Juju does) and which HTTP status the
API answers it with (``http_status``), the way click's exceptions carry their
``exit_code``. So neither the CLI nor the API server keeps a table of classes.

::

    PyjujuError                         code                    exit  http
    ├── NotFoundError                   not-found               1     404
    │   ├── ModelNotFoundError          model-not-found         1     404
    │   ├── ApplicationNotFoundError    application-not-found   1     404
    │   ├── UnitNotFoundError           unit-not-found          1     404
    │   ├── MachineNotFoundError        machine-not-found       1     404
    │   ├── CharmNotFoundError          charm-not-found         1     404
    │   ├── RelationNotFoundError       relation-not-found      1     404
    │   ├── SecretNotFoundError         secret-not-found        1     404
    │   └── ControllerNotFoundError     controller-not-found    1     404
    ├── AlreadyExistsError              already-exists          1     409
    ├── InvalidArgumentError            invalid-argument        1     400
    │   ├── UsageError                  usage                   2     400
    │   └── ConfigError                 config-invalid          1     400
    ├── CharmError                      charm-invalid           1     400
    ├── UnauthorizedError               unauthorized            1     401
    ├── ForbiddenError                  forbidden               1     403
    ├── NotLeaderError                  not-leader              1     403
    ├── ConflictError                   conflict                1     409
    ├── NotSupportedError               not-supported           1     501
    ├── ProviderError                   provider-error          1     500
    │   └── ConstraintsNotMetError      constraints-not-met     1     500
    ├── StoreError                      store-error             1     500
    └── ConnectionFailedError           connection-failed       1     500

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
    exit_code: ClassVar[int] = 1
    """How the CLI exits when this error ends a command."""
    http_status: ClassVar[int] = 500
    """The HTTP status the API answers with when a request fails with this error."""

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
    http_status = 404


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
    http_status = 409


@register
class InvalidArgumentError(PyjujuError):
    code = "invalid-argument"
    http_status = 400


@register
class UsageError(InvalidArgumentError):
    """The command line itself is wrong (a bad flag value, a missing or malformed argument).

    Exits 2 like click's own usage errors, whether it is raised by the CLI or by
    the controller (the client rebuilds it from its code)."""

    code = "usage"
    exit_code = 2


@register
class ConfigError(InvalidArgumentError):
    code = "config-invalid"


@register
class CharmError(PyjujuError):
    """A charm is malformed; ``details`` name the ``file`` and ``field``."""

    code = "charm-invalid"
    http_status = 400


@register
class UnauthorizedError(PyjujuError):
    code = "unauthorized"
    http_status = 401


@register
class ForbiddenError(PyjujuError):
    code = "forbidden"
    http_status = 403


@register
class NotLeaderError(PyjujuError):
    code = "not-leader"
    http_status = 403


@register
class ConflictError(PyjujuError):
    code = "conflict"
    http_status = 409


@register
class NotSupportedError(PyjujuError):
    code = "not-supported"
    http_status = 501


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
    http_status = 400


@register
class StoreError(PyjujuError):
    code = "store-error"


@register
class ConnectionFailedError(PyjujuError):
    code = "connection-failed"
