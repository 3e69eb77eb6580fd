"""Restartable background loops of the controller (provisioner, cleanup)."""
