"""The unit agent's operations (see :mod:`.base` for the prepare/execute/commit model)."""

from .base import Operation, Stop, execute_operation
from .charm import DeployCharm
from .hooks import CommitHook, RunHook, SkipHook
from .lifecycle import AcceptDeposed, ReportDead
from .relations import EnterScope, LeaveScope
from .tasks import FailTask, RunTask

__all__ = [
    "AcceptDeposed",
    "CommitHook",
    "DeployCharm",
    "EnterScope",
    "FailTask",
    "LeaveScope",
    "Operation",
    "ReportDead",
    "RunHook",
    "RunTask",
    "SkipHook",
    "Stop",
    "execute_operation",
]
