"""pyjuju.providers.local."""
