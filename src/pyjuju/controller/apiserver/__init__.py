"""pyjuju.controller.apiserver."""
