"""Tabular and one-line ``juju status`` against hand-written expected text."""

from __future__ import annotations

from status_fixtures import DEMO, SMALL, WEB_K8S, fresh

from pyjuju.cli.render.formats import to_json
from pyjuju.cli.render.status import (
    agent_doing,
    machines_tabular,
    status_short,
    status_tabular,
    strip_tabular_keys,
    unit_message,
)
from pyjuju.cli.render.storage import humanize_mib

SMALL_TABULAR = """\
Model  Controller  Cloud/Region  Version  Timestamp
small  local       localhost     3.6.4    13:00:00+01:00

App  Version          Status  Scale  Charm  Channel  Rev  Exposed  Message
web  1.2.3-very-l...  error     1/2  web               3  no       hook failed: "install"

Unit    Workload     Agent      Machine  Public address  Ports                             Message
web/0*  maintenance  executing  0        10.0.0.10       80,443,8080-8081/tcp 53/udp icmp  (config-changed) configuring
web/1   error        error      1        10.0.0.11                                         hook failed: "install"

Machine  State    Address    Inst id  Base          AZ   Message
0        started  10.0.0.10  small-0  ubuntu@24.04  az1  Running
1        started  10.0.0.11  web-box  ubuntu@24.04  az2  Running
"""

# Juju's tabular status for a machine model, verbatim.
DEMO_TABULAR = """\
Model  Controller  Cloud/Region         Version  SLA          Timestamp
demo   lxd-ctl     localhost/localhost  3.6.4    unsupported  09:24:10+01:00

SAAS   Status  Store    URL
mysql  active  lxd-ctl  admin/db.mysql

App         Version  Status       Scale  Charm       Channel        Rev  Exposed  Message
nrpe                 blocked          1  nrpe        latest/stable  165  no       Nagios server not configured or related
postgresql  14.12    active           1  postgresql  14/stable      468  no       Primary
wordpress   6.4.3    maintenance      2  wordpress                    0  yes      installing plugins

Unit           Workload     Agent      Machine  Public address  Ports          Message
postgresql/0*  active       idle       0        10.76.1.10      5432/tcp       Primary
  nrpe/0*      blocked      idle                10.76.1.10      5666/tcp icmp  Nagios server not configured or related
wordpress/0*   active       idle       1        10.76.1.11      80,443/tcp     ready
wordpress/1    maintenance  executing  1/lxd/0  10.76.1.45                     (config-changed) installing plugins

Machine  State    Address     Inst id              Base          AZ  Message
0        started  10.76.1.10  juju-4a1b2c-0        ubuntu@22.04      Running
1        started  10.76.1.11  juju-4a1b2c-1        ubuntu@22.04      Running
1/lxd/0  started  10.76.1.45  juju-4a1b2c-1-lxd-0  ubuntu@22.04      Container started

Offer  Application  Charm       Rev  Connected  Endpoint  Interface          Role
pg     postgresql   postgresql  468  1/1        database  postgresql_client  provider
"""

# Juju's tabular status for a Kubernetes model, verbatim.
WEB_K8S_TABULAR = """\
Model  Controller  Cloud/Region   Version  SLA          Timestamp
web    k8s-ctl     k8s/localhost  3.6.4    unsupported  10:02:30+01:00

App            Version  Status  Scale  Charm          Channel        Rev  Address        Exposed  Message
snappass-test           active      1  snappass-test  latest/stable    9  10.152.183.40  no       snappass started

Unit              Workload  Agent  Address     Ports  Message
snappass-test/0*  active    idle   10.1.20.77         snappass started
"""


def test_small_model_exact():
    assert status_tabular(SMALL) == SMALL_TABULAR


def test_small_model_has_no_optional_sections_without_data():
    assert status_tabular(SMALL, relations=True, storage=True) == SMALL_TABULAR


def test_spec_machine_example_exact():
    assert status_tabular(DEMO) == DEMO_TABULAR


def test_spec_k8s_example_exact():
    assert status_tabular(WEB_K8S) == WEB_K8S_TABULAR


def test_demo_spot_checks():
    lines = status_tabular(DEMO).splitlines()
    headers = [
        line.split()[0]
        for line in lines
        if line and line.split()[0] in {"Model", "SAAS", "App", "Unit", "Machine", "Offer"}
    ]
    assert headers == ["Model", "SAAS", "App", "Unit", "Machine", "Offer"]
    assert any(line.startswith("  nrpe/0*  ") for line in lines)
    assert any(line.startswith("postgresql/0*  ") for line in lines)
    wordpress0 = next(line for line in lines if line.startswith("wordpress/0*"))
    assert "80,443/tcp" in wordpress0
    assert lines[lines.index("") - 1].startswith("demo ")
    assert any(line.endswith("(config-changed) installing plugins") for line in lines)
    assert all(line == line.rstrip() for line in lines)


def test_sections_are_separated_by_one_blank_line():
    text = status_tabular(DEMO, relations=True, storage=True)
    assert "\n\n\n" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text.count("\n\n") == 7


def test_derived_integrations():
    text = status_tabular(DEMO, relations=True)
    section = text.split("\n\n")[-1]
    assert section == (
        "Integration provider       Requirer                   Interface         Type         Message\n"
        "mysql:db                   wordpress:db               mysql             regular\n"
        "postgresql:database-peers  postgresql:database-peers  postgresql_peers  peer\n"
        "postgresql:juju-info       nrpe:general-info          juju-info         subordinate\n"
    )


def test_server_supplied_integrations_win_and_are_sorted():
    doc = fresh(SMALL)
    doc["relations-tabular"] = [
        {
            "provider": "web:website",
            "requirer": "proxy:backend",
            "interface": "http",
            "type": "regular",
            "message": "",
        },
        {
            "provider": "db:db",
            "requirer": "web:db",
            "interface": "mysql",
            "type": "regular",
            "status": "suspended",
            "message": "offer revoked",
        },
    ]
    section = status_tabular(doc, relations=True).split("\n\n")[-1]
    assert section == (
        "Integration provider  Requirer       Interface  Type     Message\n"
        "db:db                 web:db         mysql      regular  suspended  offer revoked\n"
        "web:website           proxy:backend  http       regular\n"
    )
    assert "Integration" not in status_tabular(doc)


def test_tabular_only_keys_are_stripped_for_json():
    doc = fresh(SMALL)
    doc["relations-tabular"] = []
    stripped = strip_tabular_keys(doc)
    assert "relations-tabular" not in stripped
    assert "relations-tabular" in doc
    assert to_json(stripped) == to_json(SMALL)


def test_local_relations_pair_both_ends():
    doc = {
        "model": {
            "name": "m",
            "type": "iaas",
            "controller": "c",
            "cloud": "lxd",
            "version": "3.6.4",
        },
        "machines": {},
        "applications": {
            "web": {
                "charm-name": "web",
                "relations": {
                    "db": [{"related-application": "db", "interface": "pgsql", "scope": "global"}]
                },
            },
            "db": {
                "charm-name": "db",
                "relations": {
                    "database": [
                        {"related-application": "web", "interface": "pgsql", "scope": "global"}
                    ]
                },
            },
        },
    }
    section = status_tabular(doc, relations=True).split("\n\n")[-1]
    assert section.splitlines()[1:] == ["db:database           web:db    pgsql      regular"]


def test_storage_section():
    section = status_tabular(DEMO, storage=True).split("\n\n")[-1]
    assert section == (
        "Storage Unit  Storage ID  Type        Pool    Mountpoint                           Size    Status    Message\n"
        "postgresql/0  pgdata/0    filesystem  rootfs  /var/snap/charmed-postgresql/common  10 GiB  attached\n"
    )
    assert "Storage Unit" not in status_tabular(DEMO)


def test_storage_without_pool_or_attachment():
    doc = fresh(SMALL)
    doc["storage"] = {
        "storage": {
            "cache/1": {
                "kind": "block",
                "status": {"current": "pending", "message": "waiting"},
                "persistent": False,
            }
        },
        "volumes": {"0": {"storage": "cache/1", "size": 1536, "persistent": False}},
    }
    section = status_tabular(doc, storage=True).split("\n\n")[-1]
    assert section == (
        "Storage Unit  Storage ID  Type   Mountpoint  Size     Status   Message\n"
        "              cache/1     block              1.5 GiB  pending  waiting\n"
    )


def test_empty_model():
    doc = {
        "model": {
            "name": "default",
            "type": "iaas",
            "controller": "c",
            "cloud": "localhost",
            "version": "3.6.4",
            "model-status": {"current": "available"},
        },
        "machines": {},
        "applications": {},
        "storage": {},
        "controller": {"timestamp": "10:00:00Z"},
    }
    assert status_tabular(doc) == (
        "Model    Controller  Cloud/Region  Version  Timestamp\n"
        "default  c           localhost     3.6.4    10:00:00Z\n"
        "\n"
        'Model "default" is empty.\n'
    )


def test_notes_from_model_message_or_upgrade():
    doc = fresh(SMALL)
    doc["model"]["upgrade-available"] = "3.6.5"
    assert status_tabular(doc).splitlines()[:2] == [
        "Model  Controller  Cloud/Region  Version  Timestamp       Notes",
        "small  local       localhost     3.6.4    13:00:00+01:00  upgrade available: 3.6.5",
    ]
    doc["model"]["model-status"]["message"] = "migrating: " + "x" * 200
    notes = status_tabular(doc).splitlines()[1].split("  ")[-1]
    assert notes.startswith("migrating: ") and notes.endswith("...") and len(notes) == 120


def test_messages_are_truncated_at_120():
    doc = fresh(SMALL)
    doc["applications"]["web"]["application-status"]["message"] = "m" * 200
    app_line = status_tabular(doc).splitlines()[4]
    assert app_line.endswith("m" * 117 + "...")


def test_unit_message_rules():
    assert (
        unit_message(
            {
                "juju-status": {"current": "allocating", "message": "waiting for machine"},
                "workload-status": {"current": "waiting"},
            }
        )
        == "waiting for machine"
    )
    assert (
        unit_message(
            {
                "juju-status": {"current": "allocating", "message": "agent initialising"},
                "workload-status": {"current": "waiting", "message": "installing agent"},
            }
        )
        == "installing agent"
    )
    assert (
        unit_message(
            {
                "juju-status": {"current": "executing", "message": "running install hook"},
                "workload-status": {"current": "maintenance"},
            }
        )
        == "(install) "
    )
    assert (
        unit_message(
            {
                "juju-status": {"current": "executing", "message": "running action backup"},
                "workload-status": {"current": "active", "message": "ok"},
            }
        )
        == "(backup) ok"
    )
    assert (
        unit_message(
            {
                "juju-status": {"current": "idle", "message": "running install hook"},
                "workload-status": {"message": "ready"},
            }
        )
        == "ready"
    )


def test_agent_doing_names_relation_hooks():
    assert (
        agent_doing({"current": "executing", "message": "running db-relation-changed hook"})
        == "db-relation-changed"
    )
    assert (
        agent_doing({"current": "executing", "message": "running leader-elected hook"})
        == "leader-elected"
    )
    assert agent_doing({"current": "executing", "message": "doing something"}) == ""


def test_installing_unit_row_has_no_trailing_space():
    doc = fresh(SMALL)
    unit = doc["applications"]["web"]["units"]["web/1"]
    unit["juju-status"] = {"current": "executing", "message": "running install hook"}
    unit["workload-status"] = {"current": "maintenance"}
    line = next(line for line in status_tabular(doc).splitlines() if line.startswith("web/1"))
    assert line.endswith("10.0.0.11                                         (install)")
    assert status_tabular(doc).splitlines()[4].split()[3] == "2"


def test_subordinate_scale_counts_units_under_principals():
    doc = fresh(DEMO)
    doc["applications"]["postgresql"]["units"]["postgresql/0"]["subordinates"]["nrpe/0"][
        "juju-status"
    ]["current"] = "lost"
    nrpe = next(line for line in status_tabular(doc).splitlines() if line.startswith("nrpe "))
    assert nrpe.split()[2] == "0/1"


def test_k8s_scale_uses_desired_scale():
    doc = fresh(WEB_K8S)
    doc["applications"]["snappass-test"]["scale"] = 3
    line = status_tabular(doc).splitlines()[4]
    assert line.split()[2] == "1/3"


def test_machine_modification_error_wins():
    doc = fresh(SMALL)
    doc["machines"]["1"]["modification-status"] = {"current": "error", "message": "profile failed"}
    line = status_tabular(doc).splitlines()[-1]
    assert line == "1        error    10.0.0.11  web-box  ubuntu@24.04  az2  profile failed"


def test_natural_sort_of_apps_units_and_machines():
    doc = fresh(SMALL)
    units = doc["applications"]["web"]["units"]
    units["web/10"] = fresh(units["web/1"])
    units["web/2"] = fresh(units["web/1"])
    doc["machines"]["10"] = fresh(doc["machines"]["1"])
    doc["machines"]["2"] = fresh(doc["machines"]["1"])
    lines = status_tabular(doc).splitlines()
    assert [line.split()[0] for line in lines if line.startswith("web/")] == [
        "web/0*",
        "web/1",
        "web/2",
        "web/10",
    ]
    assert [line.split()[0] for line in lines[-4:]] == ["0", "1", "2", "10"]


def test_status_error_entries_do_not_break_the_table():
    doc = fresh(SMALL)
    doc["applications"]["broken"] = {"status-error": "cannot load application"}
    doc["machines"]["9"] = {"status-error": "machine gone"}
    lines = status_tabular(doc).splitlines()
    assert any(
        line.startswith("broken ") and line.endswith("cannot load application") for line in lines
    )
    assert lines[-1].startswith("9 ") and lines[-1].endswith("machine gone")


def test_offer_with_several_endpoints():
    doc = fresh(DEMO)
    doc["offers"]["pg"]["endpoints"]["admin"] = {"interface": "pgsql_admin", "role": "provider"}
    section = status_tabular(doc).split("\n\n")[-1]
    assert section == (
        "Offer  Application  Charm       Rev  Connected  Endpoint  Interface          Role\n"
        "pg     postgresql   postgresql  468  1/1        admin     pgsql_admin        provider\n"
        "                                                database  postgresql_client  provider\n"
    )


# -- short / line / oneline -------------------------------------------------


def test_short_format():
    assert status_short(DEMO) == (
        "- postgresql/0: 10.76.1.10 (agent:idle, workload:active) 5432/tcp\n"
        "  - nrpe/0: 10.76.1.10 (agent:idle, workload:blocked) 5666/tcp icmp\n"
        "- wordpress/0: 10.76.1.11 (agent:idle, workload:active) 80,443/tcp\n"
        "- wordpress/1: 10.76.1.45 (agent:executing, workload:maintenance)\n"
    )
    assert status_short(SMALL) == (
        "- web/0: 10.0.0.10 (agent:executing, workload:maintenance) 80,443,8080-8081/tcp 53/udp icmp\n"
        "- web/1: 10.0.0.11 (agent:error, workload:error)\n"
    )
    assert status_short({"applications": {}}) == ""


# -- machines ---------------------------------------------------------------


def test_machines_table():
    doc = {"model": "demo", "machines": DEMO["machines"]}
    assert machines_tabular(doc) == (
        "Machine  State    Address     Inst id              Base          AZ  Message\n"
        "0        started  10.76.1.10  juju-4a1b2c-0        ubuntu@22.04      Running\n"
        "1        started  10.76.1.11  juju-4a1b2c-1        ubuntu@22.04      Running\n"
        "1/lxd/0  started  10.76.1.45  juju-4a1b2c-1-lxd-0  ubuntu@22.04      Container started\n"
    )
    assert machines_tabular({"model": "empty", "machines": {}}) == (
        "Machine  State  Address  Inst id  Base  AZ  Message\n"
    )


def test_storage_sizes_are_humanized_like_go_humanize():
    sizes = [0, 512, 1024, 1536, 10240, 1024**2, "bad"]
    assert [humanize_mib(s) for s in sizes] == [
        "",
        "512 MiB",
        "1.0 GiB",
        "1.5 GiB",
        "10 GiB",
        "1.0 TiB",
        "",
    ]
