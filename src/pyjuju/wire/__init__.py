"""pyjuju.wire."""
