"""Business rules of the controller, one module per domain, over the store.

Each public function that takes the :class:`.base.Services` bundle performs one
user or agent intention inside a single store transaction, so every intention
either happens whole or not at all; functions that take a transaction are the
pieces those intentions share. Modules import one another in one direction
only (the layers contract in ``pyproject.toml``, drawn in docs/architecture.md).
"""
