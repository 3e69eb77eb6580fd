"""pyjuju.controller.workers."""
