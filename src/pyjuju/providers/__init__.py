"""Substrates that create machines: ``local`` now; ``lxd``, ``manual``, clouds later.

Providers know nothing of charms, the store or the API: they receive an
:class:`~.base.InstanceSpec` (what to start and the opaque agent
configuration to hand it) and return :class:`~.base.Instance` values.
"""

from .base import IngressRule, Instance, InstanceSpec, Provider

__all__ = ["IngressRule", "Instance", "InstanceSpec", "Provider"]
