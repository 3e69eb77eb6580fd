"""The controller API contract shared by the server and the client.

Request bodies are pydantic models (the server validates them and publishes
their JSON schemas in its OpenAPI document); responses that mirror Juju's own
documents (status, show-unit, config) are plain JSON in Juju's schema.
Imports only ``pyjuju.core``.
"""

from .models import *  # noqa: F403
from .models import __all__  # noqa: F401
