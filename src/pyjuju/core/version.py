"""Versions pyjuju reports.

``JUJU_VERSION`` is what charms see in ``JUJU_VERSION`` and clients see in
``status``: ops gates features on it, so it must name a real Juju release whose
behaviour pyjuju reproduces (3.6 LTS).
"""

PYJUJU_VERSION = "0.1.0"
JUJU_VERSION = "3.6.4"
