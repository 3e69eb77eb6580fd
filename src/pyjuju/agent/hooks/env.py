"""The hook environment (docs/charm-runtime.md, Hook environment): built from scratch, never inherited."""

from __future__ import annotations

import os

from ...core.version import JUJU_VERSION
from ...wire import ProxySettings

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
"""What follows the tools directory in every hook's ``PATH``: the PATH a system service gets on
Ubuntu (systemd's default, plus snapd's ``/snap/bin``), which is what Juju's agents run with.
Not the machine agent's own PATH: that is whatever environment bootstrapped the controller
(a virtualenv, version-manager shims), and charms must not depend on it."""


def hook_env(
    *,
    unit: str,
    model_name: str,
    model_uuid: str,
    machine_id: str,
    charm_dir: str,
    tools_dir: str,
    socket_path: str,
    context_id: str,
    hook_name: str,
    dispatch_path: str,
    api_addresses: list[str],
    principal: str = "",
    proxy: ProxySettings | None = None,
    relation: tuple[str, str, str, str] | None = None,
    departing_unit: str = "",
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """``relation`` is ``(endpoint, "endpoint:id", remote_unit, remote_app)`` for relation hooks."""
    env = {
        "PATH": f"{tools_dir}:{SYSTEM_PATH}",
        "CHARM_DIR": charm_dir,
        "JUJU_CHARM_DIR": charm_dir,
        "JUJU_CONTEXT_ID": context_id,
        "JUJU_HOOK_NAME": hook_name,
        "JUJU_DISPATCH_PATH": dispatch_path,
        "JUJU_AGENT_SOCKET_ADDRESS": socket_path,
        "JUJU_AGENT_SOCKET_NETWORK": "unix",
        "JUJU_UNIT_NAME": unit,
        "JUJU_MODEL_UUID": model_uuid,
        "JUJU_MODEL_NAME": model_name,
        "JUJU_VERSION": JUJU_VERSION,
        "JUJU_API_ADDRESSES": " ".join(a.split("://", 1)[-1] for a in api_addresses),
        "JUJU_MACHINE_ID": machine_id,
        "JUJU_PRINCIPAL_UNIT": principal,
        "JUJU_AVAILABILITY_ZONE": "",
        "CLOUD_API_VERSION": "",
        "JUJU_METER_STATUS": "",
        "JUJU_METER_INFO": "",
        "JUJU_SLA": "unsupported",
        "APT_LISTCHANGES_FRONTEND": "none",
        "DEBIAN_FRONTEND": "noninteractive",
        "LANG": "C.UTF-8",
        "TERM": "screen",
        "HOME": os.environ.get("HOME", "/root"),
    }
    p = proxy or ProxySettings()
    env["JUJU_CHARM_HTTP_PROXY"] = p.juju_http_proxy
    env["JUJU_CHARM_HTTPS_PROXY"] = p.juju_https_proxy
    env["JUJU_CHARM_FTP_PROXY"] = p.juju_ftp_proxy
    env["JUJU_CHARM_NO_PROXY"] = p.juju_no_proxy
    legacy = {"http_proxy": p.http_proxy, "https_proxy": p.https_proxy, "ftp_proxy": p.ftp_proxy}
    if any(legacy.values()):
        for var, value in legacy.items():
            if value:
                env[var] = value
                env[var.upper()] = value
        no_proxy = ",".join(sorted({x for x in p.no_proxy.split(",") if x}))
        if no_proxy:
            env["no_proxy"] = env["NO_PROXY"] = no_proxy
    if relation is not None:
        endpoint, rel_id, remote_unit, remote_app = relation
        env["JUJU_RELATION"] = endpoint
        env["JUJU_RELATION_ID"] = rel_id
        env["JUJU_REMOTE_UNIT"] = remote_unit
        env["JUJU_REMOTE_APP"] = remote_app
        if departing_unit:
            env["JUJU_DEPARTING_UNIT"] = departing_unit
    if extra:
        env.update(extra)
    return env
