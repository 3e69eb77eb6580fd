"""Machine and unit agents, the hook runner and the hook tools.

Import-free on purpose (see ``pyjuju/__init__.py``). Agents reach the
controller only through ``pyjuju.client``; they never import the store, the
controller or the providers.
"""
