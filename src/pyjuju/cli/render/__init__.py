"""Pure renderers: Juju-shaped documents in, the text ``pyjuju`` prints out.

No I/O and no network here, so every output format can be tested byte for
byte. Commands fetch a document through the client, then pick a renderer:

* :mod:`.formats` — ``json`` / ``yaml`` / dispatch on ``--format``, time localization;
* :mod:`.tables` — the two-space tab-writer every table uses;
* :mod:`.status` — ``juju status`` tabular and one-line forms;
* :mod:`.machines` — the Machine table (``status`` and ``machines``);
* :mod:`.relations`, :mod:`.storage` — the optional ``status`` sections;
* :mod:`.models` — ``juju models``.
"""
