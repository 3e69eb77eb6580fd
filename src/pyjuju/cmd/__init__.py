"""Process entry points: the only package that wires layers together.

``cli`` (the ``pyjuju`` command), ``controller`` (the controller daemon) and
``agent`` (a machine agent). Each file only builds objects and injects them.
"""
