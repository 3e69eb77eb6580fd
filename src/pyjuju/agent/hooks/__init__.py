"""The hook runner, the hook context and the hook-tool server.

A hook runs as a subprocess; its tool calls reach :mod:`.toolserver` over a
unix socket and are answered from a :class:`.toolctx.ToolContext`. Must not
import the store, the controller, the providers or the CLI.
"""
