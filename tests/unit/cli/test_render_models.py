"""``juju models`` table."""

from __future__ import annotations

from pyjuju.cli.render.models import display_name, models_tabular


def _summary(name: str, owner: str = "admin", **extra):
    base = {
        "name": f"{owner}/{name}",
        "short-name": name,
        "model-uuid": f"uuid-{name}",
        "model-type": "iaas",
        "controller-name": "lxd-ctl",
        "owner": owner,
        "cloud": "localhost",
        "region": "localhost",
        "type": "lxd",
        "life": "alive",
        "status": {"current": "available", "since": "2026-11-25T12:00:00+00:00"},
        "access": "admin",
        "last-connection": "just now",
        "agent-version": "3.6.4",
    }
    base.update(extra)
    return base


DOC = {
    "models": [
        _summary("demo", **{"machine-count": 3, "unit-count": 12}),
        _summary(
            "controller", **{"machine-count": 1, "unit-count": 1, "last-connection": "2 hours ago"}
        ),
        _summary("shared", owner="bob", access="read", **{"last-connection": None}),
        _summary("dying", status={}, **{"machine-count": 10}),
    ],
    "current-model": "demo",
}


def test_models_table():
    assert models_tabular(DOC, user="admin") == (
        "Controller: lxd-ctl\n"
        "\n"
        "Model       Cloud/Region         Type  Status     Machines  Units  Access  Last connection\n"
        "controller  localhost/localhost  lxd   available         1      1  admin   2 hours ago\n"
        "demo*       localhost/localhost  lxd   available         3     12  admin   just now\n"
        "dying       localhost/localhost  lxd   -                10      -  admin   just now\n"
        "bob/shared  localhost/localhost  lxd   available         0      -  read    never connected\n"
    )


def test_without_user_every_model_shows_its_short_name():
    text = models_tabular(DOC, controller="other")
    assert text.startswith("Controller: other\n\n")
    assert "\nshared " in text


def test_current_model_may_be_qualified():
    doc = {"models": [_summary("shared", owner="bob")], "current-model": "bob/shared"}
    assert "bob/shared*" in models_tabular(doc, user="admin")


def test_no_models():
    assert models_tabular({"models": []}) == (
        "Controller:\n\nModel  Cloud/Region  Type  Status  Machines  Units  Access  Last connection\n"
    )


def test_display_name():
    assert display_name({"name": "admin/m", "owner": "admin"}, "admin") == "m"
    assert display_name({"name": "m", "owner": "bob"}, "admin") == "bob/m"
