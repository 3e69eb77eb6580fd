"""pyjuju.agent.unit."""
