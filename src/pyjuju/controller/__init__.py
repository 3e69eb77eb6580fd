"""pyjuju.controller."""
