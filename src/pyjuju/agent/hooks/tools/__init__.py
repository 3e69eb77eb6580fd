"""pyjuju.agent.hooks.tools."""
