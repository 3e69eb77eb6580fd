"""Business rules of the controller, one module per domain, over the store.

Each public function takes the :class:`.base.Services` bundle and performs one
user or agent intention inside a single store transaction, so every
intention either happens whole or not at all.
"""
