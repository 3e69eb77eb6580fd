"""pyjuju.testing."""
