"""JSON / YAML output, ``--format`` dispatch and timestamp localization."""

from __future__ import annotations

import json
import time

import pytest
import yaml
from status_fixtures import DEMO, SINCE, SMALL, WEB_K8S, fresh

from pyjuju.cli.render.formats import localize_times, render, to_json, to_yaml
from pyjuju.core.errors import UsageError


@pytest.fixture
def paris_like_tz(monkeypatch):
    """Local time one hour ahead of UTC, with no tzdata needed."""
    monkeypatch.setenv("TZ", "XYZ-1")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# -- json -------------------------------------------------------------------


def test_json_is_one_compact_line_in_document_order():
    doc = {"b": 1, "a": [True, None, "x"], "c": {}}
    assert to_json(doc) == '{"b":1,"a":[true,null,"x"],"c":{}}\n'


def test_json_escapes_like_go_and_keeps_unicode():
    assert to_json({"m": "<a & b> café\u2028"}) == '{"m":"\\u003ca \\u0026 b\\u003e café\\u2028"}\n'
    assert json.loads(to_json({"m": "<a & b> café\u2028"})) == {"m": "<a & b> café\u2028"}


@pytest.mark.parametrize("doc", [DEMO, WEB_K8S, SMALL])
def test_json_round_trips(doc):
    text = to_json(doc)
    assert text.count("\n") == 1
    assert json.loads(text) == doc


# -- yaml -------------------------------------------------------------------


@pytest.mark.parametrize("doc", [DEMO, WEB_K8S, SMALL])
def test_yaml_round_trips(doc):
    assert yaml.safe_load(to_yaml(doc)) == doc


def test_yaml_is_block_style_ordered_with_empty_maps_inline():
    text = to_yaml({"model": {"name": "m", "type": "iaas"}, "machines": {}, "ids": ["0", "1"]})
    assert text == "model:\n  name: m\n  type: iaas\nmachines: {}\nids:\n- '0'\n- '1'\n"


def test_yaml_does_not_fold_long_messages():
    message = "word " * 40
    text = to_yaml({"message": message.strip()})
    assert text.count("\n") == 1


# -- render -----------------------------------------------------------------


def test_render_dispatches_on_format():
    doc = {"a": 1}
    assert render(doc, "json") == '{"a":1}\n'
    assert render(doc, "yaml") == "a: 1\n"
    assert render(doc, "tabular", tabular=lambda d: f"A\n{d['a']}\n") == "A\n1\n"
    assert render(doc, "short", extra={"short": lambda d: "s\n"}) == "s\n"


@pytest.mark.parametrize("fmt", ["xml", "tabular", "short", ""])
def test_unknown_format_is_a_usage_error(fmt):
    with pytest.raises(UsageError) as info:
        render({}, fmt)
    assert str(info.value) == f'invalid value "{fmt}" for option --format: unknown format "{fmt}"'
    assert info.value.exit_code == 2


# -- localize_times ---------------------------------------------------------


def test_localize_times_local_layout(paris_like_tz):
    out = localize_times(SMALL)
    assert out["model"]["model-status"]["since"] == "25 Nov 2026 13:00:00+01:00"
    unit = out["applications"]["web"]["units"]["web/0"]
    assert unit["workload-status"]["since"] == "25 Nov 2026 13:00:00+01:00"
    assert unit["juju-status"]["since"] == "25 Nov 2026 13:00:00+01:00"
    assert out["machines"]["1"]["modification-status"]["since"] == "25 Nov 2026 13:00:00+01:00"
    assert out["applications"]["web"]["application-status"]["since"] == "25 Nov 2026 13:00:00+01:00"


def test_localize_times_utc_layout(paris_like_tz):
    out = localize_times(SMALL, utc=True)
    assert out["model"]["model-status"]["since"] == "2026-11-25 12:00:00Z"
    assert out["machines"]["0"]["machine-status"]["since"] == "2026-11-25 12:00:00Z"
    unit = out["applications"]["web"]["units"]["web/1"]
    assert unit["juju-status"]["since"] == "2026-11-25 12:00:00Z"


def test_localize_times_copies_and_leaves_other_values(paris_like_tz):
    original = fresh(SMALL)
    out = localize_times(SMALL)
    assert SMALL == original
    assert SMALL["model"]["model-status"]["since"] == SINCE
    assert out["controller"] == {"timestamp": "13:00:00+01:00"}
    assert out["applications"]["web"]["version"] == SMALL["applications"]["web"]["version"]


def test_localize_times_is_idempotent_and_skips_juju_layouts(paris_like_tz):
    assert localize_times(DEMO) == DEMO
    assert localize_times(DEMO, utc=True) == DEMO
    once = localize_times(SMALL, utc=True)
    assert localize_times(once) == once


def test_storage_since_stays_local_even_with_utc(paris_like_tz):
    doc = {
        "model": {"model-status": {"since": SINCE}},
        "storage": {"storage": {"data/0": {"status": {"current": "attached", "since": SINCE}}}},
    }
    out = localize_times(doc, utc=True)
    assert out["model"]["model-status"]["since"] == "2026-11-25 12:00:00Z"
    assert out["storage"]["storage"]["data/0"]["status"]["since"] == "25 Nov 2026 13:00:00+01:00"


def test_iso_controller_timestamp_becomes_clock_time(paris_like_tz):
    doc = {"controller": {"timestamp": SINCE}}
    assert localize_times(doc)["controller"]["timestamp"] == "13:00:00+01:00"
    assert localize_times(doc, utc=True)["controller"]["timestamp"] == "12:00:00"


def test_localize_times_walks_lists_and_non_dict_roots(paris_like_tz):
    assert localize_times([{"since": SINCE}], utc=True) == [{"since": "2026-11-25 12:00:00Z"}]
    assert localize_times({"x": [{"since": "not a time"}]}) == {"x": [{"since": "not a time"}]}
