"""pyjuju.cli."""
