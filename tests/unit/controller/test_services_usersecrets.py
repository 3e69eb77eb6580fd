"""User secrets as `secrets` / `show-secret` list them: Juju prints their owner as ``<model>``."""

from __future__ import annotations

import pytest

from pyjuju.controller.services import usersecrets
from pyjuju.store import SecretRow


@pytest.fixture(autouse=True)
def _data_dir(svc) -> None:
    svc.data_dir.mkdir(parents=True, exist_ok=True)  # where the secrets key is kept


def test_user_secret_owner_is_printed_as_model(svc, model) -> None:
    uri = usersecrets.add(svc, model.name, "apikey", {"token": "abc"}, "the key")
    listing = usersecrets.listing(svc, model.name)
    (sid,) = listing
    assert uri.endswith(sid)
    assert listing[sid]["owner"] == "<model>"
    assert listing[sid]["name"] == "apikey"
    shown = usersecrets.listing(svc, model.name, ref="apikey", reveal=True)
    assert shown[sid]["owner"] == "<model>"
    assert shown[sid]["content"] == {"Data": {"token": "abc"}}


def test_owner_filter_accepts_juju_tags_and_printed_names(svc, model) -> None:
    usersecrets.add(svc, model.name, "apikey", {"token": "abc"}, "")
    for wanted in ("<model>", "model", f"model-{model.uuid}", model.name):
        assert len(usersecrets.listing(svc, model.name, owner=wanted)) == 1, wanted
    for wanted in ("application-default", "mysql", "unit-mysql-0"):
        assert usersecrets.listing(svc, model.name, owner=wanted) == {}, wanted


def _row(kind: str, owner: str) -> SecretRow:
    return SecretRow(
        model_uuid="u", id="x", owner_kind=kind, owner=owner, label="", description="",
        rotate_policy="never", next_rotate="", rotate_due=False, auto_prune=False,
        latest_revision=1, created="", updated="",
    )


def test_owner_matches_application_and_unit_tags(model) -> None:
    app, unit = _row("application", "mysql"), _row("unit", "mysql/0")
    assert usersecrets.owner_matches("application-mysql", app.owner_kind, app.owner, model)
    assert usersecrets.owner_matches("mysql", app.owner_kind, app.owner, model)
    assert not usersecrets.owner_matches("application-mysq", app.owner_kind, app.owner, model)
    assert usersecrets.owner_matches("unit-mysql-0", unit.owner_kind, unit.owner, model)
    assert usersecrets.owner_matches("mysql/0", unit.owner_kind, unit.owner, model)
    assert not usersecrets.owner_matches("application-mysql", unit.owner_kind, unit.owner, model)
    assert not usersecrets.owner_matches("<model>", app.owner_kind, app.owner, model)
