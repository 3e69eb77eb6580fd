"""The controller's HTTP + WebSocket API (FastAPI): thin routes over the services.

Routes authenticate, decode ``wire`` bodies, call one service function and
encode the result. Errors leave as ``{"error": {"code", "message", "details"}}``
with an HTTP status chosen by error class; the client turns the code back
into the same exception class.
"""

from .app import create_app

__all__ = ["create_app"]
