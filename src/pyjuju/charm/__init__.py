"""pyjuju.charm."""
