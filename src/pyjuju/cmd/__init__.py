"""pyjuju.cmd."""
