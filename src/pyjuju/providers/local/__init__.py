"""The ``local`` provider: each machine is a directory and an agent process on this host.

As root, each machine also gets its own network namespace with an address on
a private bridge, so units listening on the same port don't clash. Without
root, machines share loopback.
"""

from .provider import LocalProvider

__all__ = ["LocalProvider"]
