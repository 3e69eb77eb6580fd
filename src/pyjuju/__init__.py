"""pyjuju: a service orchestrator in the line of Juju.

This module stays import-free: the hook-tool client and every process entry
point import below it, and nothing here may slow their start.
"""
