"""pyjuju.agent.machine."""
