"""Request and message bodies of the controller API (version 1).

Every path lives under ``/api``. User calls authenticate with the admin
bearer token written at bootstrap; agent calls with the machine's own token.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "AddMachinesParams",
    "AddStorageParams",
    "AnnotationsParams",
    "AttachResourceParams",
    "AddModelParams",
    "AddUnitsParams",
    "ConfigParams",
    "ConstraintsParams",
    "DeployParams",
    "DestroyModelParams",
    "ExecParams",
    "ExposeParams",
    "IntegrateParams",
    "ModelConfigParams",
    "RefreshParams",
    "RemoveMachinesParams",
    "RemoveRelationParams",
    "ResolvedParams",
    "SecretGrantParams",
    "SshKeysParams",
    "UserSecretParams",
    "RunActionParams",
    "TrustParams",
    "UnexposeParams",
]



class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddModelParams(_Body):
    name: str
    config: dict[str, Any] = Field(default_factory=dict)


class DestroyModelParams(_Body):
    force: bool = False
    timeout: float | None = None


class ModelConfigParams(_Body):
    """``model-config``: set typed values and reset keys in one call."""

    values: dict[str, Any] = Field(default_factory=dict)
    reset: list[str] = Field(default_factory=list)


class DeployParams(_Body):
    application: str
    charm_url: str
    num_units: int = Field(default=1, ge=0)
    config: dict[str, Any] = Field(
        default_factory=dict, description="Typed option values, validated against the charm."
    )
    config_strings: dict[str, str] = Field(
        default_factory=dict, description="key=value strings from the command line, parsed by type."
    )
    placement: list[str] = Field(default_factory=list, description="--to directives, one per unit.")
    constraints: str = ""
    storage: dict[str, str] = Field(default_factory=dict, description="name -> [pool,][size][,count]")
    resources: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="name -> {sha256, filename} of an uploaded blob"
    )
    trust: bool = Field(default=False, description="Grant trust before the first hook runs.")
    base: str = Field(default="", description="NAME@CHANNEL the units' machines must run (empty: any).")
    force: bool = Field(default=False, description="Accept a base the machines do not run.")


class AddUnitsParams(_Body):
    num_units: int = Field(default=1, ge=1)
    placement: list[str] = Field(default_factory=list)


class ConfigParams(_Body):
    """``config APP key=value --reset k``: strings parsed by option type, or typed values."""

    strings: dict[str, str] = Field(default_factory=dict)
    values: dict[str, Any] = Field(default_factory=dict)
    reset: list[str] = Field(default_factory=list)


class IntegrateParams(_Body):
    """``integrate A[:endpoint] B[:endpoint]``."""

    endpoints: list[str] = Field(min_length=2, max_length=2)


class RemoveRelationParams(_Body):
    """Two endpoints (``app`` or ``app:endpoint``), or one relation id."""

    endpoints: list[str] = Field(min_length=1, max_length=2)


class RunActionParams(_Body):
    """``run UNIT... ACTION``: units may be ``app/leader``."""

    receivers: list[str] = Field(min_length=1)
    action: str
    params: dict[str, Any] = Field(default_factory=dict)


class ExecParams(_Body):
    command: str
    stdin: str | None = Field(default=None, description="Fed to the command (base64 when binary)")
    units: list[str] = Field(default_factory=list)
    machines: list[str] = Field(default_factory=list)
    applications: list[str] = Field(default_factory=list)
    all: bool = False


class RemoveMachinesParams(_Body):
    """``remove-machine``: every id is checked before any machine is touched."""

    machines: list[str] = Field(min_length=1)
    force: bool = Field(default=False, description="Remove the units on the machines too, without their hooks.")
    dry_run: bool = Field(default=False, description="Only say what would be removed.")


class ConstraintsParams(_Body):
    """``key=value ...`` constraints text (``key=`` leaves a key unset)."""

    constraints: str = ""


class ExposeParams(_Body):
    """``expose``: no endpoints means all of them; no CIDRs or spaces means everywhere."""

    endpoints: list[str] = Field(default_factory=list)
    cidrs: list[str] = Field(default_factory=list)
    spaces: list[str] = Field(default_factory=list)


class UnexposeParams(_Body):
    """``unexpose``: no endpoints means all of them."""

    endpoints: list[str] = Field(default_factory=list)


class RefreshParams(_Body):
    """Switch to an uploaded charm (``charm_url``) or a stored ``revision`` of it."""

    charm_url: str | None = None
    revision: int | None = None


class UserSecretParams(_Body):
    """``add-secret`` / ``update-secret``: plain-text content (the CLI decodes #base64, #file)."""

    name: str | None = None
    content: dict[str, str] = Field(default_factory=dict)
    description: str | None = None
    auto_prune: bool | None = None


class SecretGrantParams(_Body):
    applications: list[str] = Field(min_length=1)
    revoke: bool = False


class AttachResourceParams(_Body):
    name: str
    sha256: str
    filename: str = ""


class AddStorageParams(_Body):
    counts: dict[str, int]


class ResolvedParams(_Body):
    retry: bool = True


class AddMachinesParams(_Body):
    """``add-machine [-n N] [--constraints ...] [--base ...] [TARGET]``."""

    count: int = Field(default=1, description="How many machines (at least 1).")
    constraints: str = ""
    target: str | None = Field(default=None, description="A placement target; none is supported locally.")
    base: str = Field(default="", description="NAME@CHANNEL the machines must run (empty: any).")
    annotations: dict[str, str] = Field(
        default_factory=dict, description="Stored with each machine (bundles mark the machines they make)."
    )


class TrustParams(_Body):
    """``trust APP`` (``--remove``: ``trust: false``)."""

    trust: bool = True


class SshKeysParams(_Body):
    """``add-ssh-key`` / ``remove-ssh-key``: a removal names a key, its comment or a part of it."""

    add: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class AnnotationsParams(_Body):
    """``set-annotations``: merged into the application's; an empty value (or null) removes a key."""

    annotations: dict[str, str] = Field(default_factory=dict)

    @field_validator("annotations", mode="before")
    @classmethod
    def _null_removes(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: "" if v is None else v for k, v in value.items()}
        return value
