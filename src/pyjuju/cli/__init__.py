"""The ``pyjuju`` command line: Juju's verbs, flags and output formats.

Reaches the controller only through :mod:`pyjuju.client`; parses charms
locally with :mod:`pyjuju.charm` so bad input is refused before anything is
sent. Only this package chooses exit codes and renders errors.
"""
