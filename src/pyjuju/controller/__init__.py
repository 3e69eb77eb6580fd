"""The controller: API server, business rules over the store, and workers.

It owns the store and is its only writer. Everything else (CLI, agents, a
dashboard) is an API client with its own credentials. Must not import the
agents or the CLI; reaches substrates only through the provider interface
that ``pyjuju.cmd`` injects.
"""
