"""Opening a database made before a column existed adds the column with its default."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pyjuju.store import open_store


def test_old_database_gains_new_columns(tmp_path: Path, mk) -> None:
    path = tmp_path / "old.db"
    s = open_store(f"sqlite:///{path}")
    with s.write() as tx:
        tx.add_model(mk.model("m1", "one"))
        tx.add_application(mk.app("m1", "web"))
    s.close()
    con = sqlite3.connect(path)  # as a database from before exposed_endpoints and ssh_keys
    con.execute("ALTER TABLE applications DROP COLUMN exposed_endpoints")
    con.execute("ALTER TABLE models DROP COLUMN ssh_keys")
    con.commit()
    con.close()

    s = open_store(f"sqlite:///{path}")
    try:
        with s.read() as tx:
            app = tx.application("m1", "web")
            assert app is not None and app.exposed_endpoints == {}
            assert tx.model("m1").ssh_keys == []
        with s.write() as tx:
            tx.update_application("m1", "web", exposed=True, exposed_endpoints={"": {"expose-to-cidrs": ["::/0"]}})
        with s.read() as tx:
            assert tx.application("m1", "web").exposed_endpoints == {"": {"expose-to-cidrs": ["::/0"]}}
    finally:
        s.close()
