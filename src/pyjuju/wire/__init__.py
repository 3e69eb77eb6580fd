"""The controller API contract shared by the server and its clients.

- :mod:`.models`: request bodies of the user API (the CLI's calls). Responses
  that mirror Juju's own documents (status, show-unit, config) are plain JSON
  in Juju's schema.
- :mod:`.views`: what the controller pushes to a machine agent (model,
  machine and unit views, watch messages).
- :mod:`.agent`: every call a machine agent makes, as a registry of typed
  request and reply models.

The server validates every body against these models and publishes their JSON
schemas in its OpenAPI document. Imports only pydantic.
"""

from . import agent, models, views
from .agent import *  # noqa: F403
from .models import *  # noqa: F403
from .views import *  # noqa: F403

__all__ = [*agent.__all__, *models.__all__, *views.__all__]
