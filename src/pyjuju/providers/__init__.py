"""pyjuju.providers."""
