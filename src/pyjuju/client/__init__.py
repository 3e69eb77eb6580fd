"""pyjuju.client."""
