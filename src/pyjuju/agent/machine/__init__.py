"""The machine agent: one process per machine, running every unit agent there.

It follows the controller's watch stream for its machine, starts a unit agent
task per assigned unit, ships logs, and exits when its machine is removed.
"""
