"""pyjuju.store."""
