"""pyjuju.agent.hooktools."""
