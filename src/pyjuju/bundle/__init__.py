"""Bundles: parse, check against charms, plan, diff and export — all pure but for reading files.

::

    load_bundle(path, overlays)  -> Bundle          files and shape (load.py)
    check_bundle(bundle, charms) -> CheckedBundle   options, endpoints, storage (check.py)
    plan_bundle(snapshot, checked) -> Plan          ordered changes (plan.py)
    diff_bundle(snapshot, checked) -> dict          Juju's diff-bundle shape (diff.py)
    export_bundle(snapshot, ...) -> [doc, overlay]  the model as a bundle (export.py)

The CLI applies a plan through the client; nothing here talks to a controller.
"""

from .check import CharmInfo, CheckedBundle, check_bundle
from .diff import diff_bundle
from .export import export_bundle
from .load import load_bundle, parse_bundle
from .plan import Change, Plan, plan_bundle
from .snapshot import ApplicationState, MachineState, ModelSnapshot, UnitState
from .spec import ApplicationSpec, Bundle, BundleError, ExposedEndpoint, MachineSpec, RelationSpec

__all__ = [
    "ApplicationSpec",
    "ApplicationState",
    "Bundle",
    "BundleError",
    "Change",
    "CharmInfo",
    "CheckedBundle",
    "ExposedEndpoint",
    "MachineSpec",
    "MachineState",
    "ModelSnapshot",
    "Plan",
    "RelationSpec",
    "UnitState",
    "check_bundle",
    "diff_bundle",
    "export_bundle",
    "load_bundle",
    "parse_bundle",
    "plan_bundle",
]
