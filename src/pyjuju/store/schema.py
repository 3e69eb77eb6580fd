"""Table definitions (SQLAlchemy Core), shared by every backend.

Entity attributes that are only ever read and written whole (config maps,
status objects, port lists) are JSON columns: JSON, not YAML, on every hot path.

A column added to an existing table needs a ``server_default`` (or must be
nullable): opening an older database adds it with that default (see
``store/upgrade.py``).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

controller_info = sa.Table(
    "controller_info",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("token_hash", sa.String, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),  # "user" | "machine"
    sa.Column("entity", sa.String, nullable=False),  # user name or machine id
    sa.Column("model_uuid", sa.String, nullable=True),
    sa.Column("created", sa.String, nullable=False),
)

models = sa.Table(
    "models",
    metadata,
    sa.Column("uuid", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("owner", sa.String, nullable=False),
    sa.Column("type", sa.String, nullable=False),
    sa.Column("cloud", sa.String, nullable=False),
    sa.Column("region", sa.String, nullable=False),
    sa.Column("life", sa.String, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("next_machine_id", sa.Integer, nullable=False),
    sa.Column("next_relation_id", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_task_id", sa.Integer, nullable=False, server_default="1"),
    sa.Column("storage_counters", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("constraints", sa.String, nullable=False, server_default=""),
    sa.Column("ssh_keys", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("created", sa.String, nullable=False),
    sa.Column("status", sa.JSON, nullable=False),
    sa.UniqueConstraint("owner", "name"),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("key", sa.String, nullable=False),
)

charms = sa.Table(
    "charms",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("url", sa.String, primary_key=True),  # local:<name>-<rev>
    sa.Column("name", sa.String, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("metadata", sa.JSON, nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("actions", sa.JSON, nullable=False),
    sa.Column("version", sa.String, nullable=False),
    sa.Column("created", sa.String, nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("charm_url", sa.String, nullable=False),
    sa.Column("life", sa.String, nullable=False),
    sa.Column("subordinate", sa.Boolean, nullable=False),
    sa.Column("config", sa.JSON, nullable=False),  # user-set values only
    sa.Column("config_version", sa.Integer, nullable=False),
    sa.Column("charm_version", sa.Integer, nullable=False),  # bumps on refresh
    sa.Column("leader", sa.String, nullable=True),
    sa.Column("leader_settings", sa.JSON, nullable=False),
    sa.Column("leader_settings_version", sa.Integer, nullable=False),
    sa.Column("status", sa.JSON, nullable=True),  # set by the leader; None = derived
    sa.Column("exposed", sa.Boolean, nullable=False),
    sa.Column("next_unit", sa.Integer, nullable=False),
    sa.Column("constraints", sa.String, nullable=False),
    sa.Column("created", sa.String, nullable=False),
    sa.Column("storage", sa.JSON, nullable=False, server_default="{}"),  # name -> directive
    sa.Column("trust", sa.Boolean, nullable=False, server_default="0"),
    sa.Column("annotations", sa.JSON, nullable=False, server_default="{}"),  # set by bundles
    # endpoint ("" = all) -> {"expose-to-cidrs": [...], "expose-to-spaces": [...]}; exposed iff non-empty
    sa.Column("exposed_endpoints", sa.JSON, nullable=False, server_default="{}"),
)

units = sa.Table(
    "units",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("application", sa.String, nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("machine_id", sa.String, nullable=True, index=True),
    sa.Column("principal", sa.String, nullable=False),
    sa.Column("life", sa.String, nullable=False),
    sa.Column("workload_status", sa.JSON, nullable=False),
    sa.Column("agent_status", sa.JSON, nullable=False),
    sa.Column("status_ever_set", sa.Boolean, nullable=False),
    sa.Column("workload_version", sa.String, nullable=False),
    sa.Column("opened_ports", sa.JSON, nullable=False),
    sa.Column("state", sa.JSON, nullable=False),
    sa.Column("resolved", sa.String, nullable=False),  # "" | "retry" | "no-retry"
    sa.Column("resolved_seq", sa.Integer, nullable=False),
    sa.Column("commit_id", sa.String, nullable=False),  # last hook commit applied
    sa.Column("created", sa.String, nullable=False),
)

machines = sa.Table(
    "machines",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("life", sa.String, nullable=False),
    sa.Column("instance_id", sa.String, nullable=False),
    sa.Column("hostname", sa.String, nullable=False),
    sa.Column("addresses", sa.JSON, nullable=False),
    sa.Column("agent_status", sa.JSON, nullable=False),
    sa.Column("machine_status", sa.JSON, nullable=False),
    sa.Column("constraints", sa.String, nullable=False),
    sa.Column("hardware", sa.String, nullable=False),
    sa.Column("base", sa.String, nullable=False),
    sa.Column("created_for", sa.String, nullable=False),  # unit it was made for, "" if add-machine
    sa.Column("annotations", sa.JSON, nullable=False, server_default="{}"),  # bundles' machine annotations
    sa.Column("created", sa.String, nullable=False),
)

relations = sa.Table(
    "relations",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String, nullable=False),
    sa.Column("life", sa.String, nullable=False),
    sa.Column("scope", sa.String, nullable=False),  # "global" | "container"
    # [{"application", "name", "role", "interface", "scope", "limit", "implicit"}]
    sa.Column("endpoints", sa.JSON, nullable=False),
    sa.Column("created", sa.String, nullable=False),
)

relation_scopes = sa.Table(
    "relation_scopes",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("relation_id", sa.Integer, primary_key=True),
    sa.Column("unit", sa.String, primary_key=True),
    sa.Column("application", sa.String, nullable=False),
    sa.Column("entered", sa.String, nullable=False),
)

relation_settings = sa.Table(
    "relation_settings",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("relation_id", sa.Integer, primary_key=True),
    sa.Column("owner", sa.String, primary_key=True),  # unit name, or application name when is_app
    sa.Column("is_app", sa.Boolean, primary_key=True),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

operations = sa.Table(
    "operations",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),  # "action" | "exec"
    sa.Column("summary", sa.String, nullable=False),
    sa.Column("enqueued", sa.String, nullable=False),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("operation_id", sa.Integer, nullable=False),
    sa.Column("receiver", sa.String, nullable=False, index=True),  # unit name or machine id
    sa.Column("receiver_kind", sa.String, nullable=False),  # "unit" | "machine"
    sa.Column("name", sa.String, nullable=False),  # action name, or "juju-exec"
    sa.Column("params", sa.JSON, nullable=False),  # action params, or {"command": ...}
    sa.Column("status", sa.String, nullable=False),
    sa.Column("message", sa.String, nullable=False),
    sa.Column("results", sa.JSON, nullable=False),
    sa.Column("log", sa.JSON, nullable=False),  # [{"time", "message"}]
    sa.Column("enqueued", sa.String, nullable=False),
    sa.Column("started", sa.String, nullable=False),
    sa.Column("completed", sa.String, nullable=False),
)

secrets = sa.Table(
    "secrets",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("id", sa.String, primary_key=True),  # 20-character xid
    sa.Column("owner_kind", sa.String, nullable=False),  # application | unit | model
    sa.Column("owner", sa.String, nullable=False),
    sa.Column("label", sa.String, nullable=False),  # the owner's label (a user secret's name)
    sa.Column("description", sa.String, nullable=False),
    sa.Column("rotate_policy", sa.String, nullable=False),
    sa.Column("next_rotate", sa.String, nullable=False),
    sa.Column("rotate_due", sa.Boolean, nullable=False),
    sa.Column("auto_prune", sa.Boolean, nullable=False),
    sa.Column("latest_revision", sa.Integer, nullable=False),
    sa.Column("created", sa.String, nullable=False),
    sa.Column("updated", sa.String, nullable=False),
)

secret_revisions = sa.Table(
    "secret_revisions",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("secret_id", sa.String, primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("content", sa.Text, nullable=False),  # encrypted (Fernet) JSON
    sa.Column("checksum", sa.String, nullable=False),
    sa.Column("expire", sa.String, nullable=False),
    sa.Column("expired", sa.Boolean, nullable=False),
    sa.Column("created", sa.String, nullable=False),
)

secret_consumers = sa.Table(
    "secret_consumers",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("secret_id", sa.String, primary_key=True),
    sa.Column("consumer", sa.String, primary_key=True),  # unit name
    sa.Column("label", sa.String, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),  # the revision it tracks
)

secret_grants = sa.Table(
    "secret_grants",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("secret_id", sa.String, primary_key=True),
    sa.Column("subject", sa.String, primary_key=True),  # application or unit name
    sa.Column("subject_kind", sa.String, nullable=False),  # application | unit
    sa.Column("relation_id", sa.Integer, nullable=True),
    sa.Column("role", sa.String, nullable=False),
)

storage = sa.Table(
    "storage",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("id", sa.String, primary_key=True),  # data/0
    sa.Column("name", sa.String, nullable=False),
    sa.Column("kind", sa.String, nullable=False),  # filesystem | block
    sa.Column("unit", sa.String, nullable=False, index=True),
    sa.Column("life", sa.String, nullable=False),
    sa.Column("pool", sa.String, nullable=False),
    sa.Column("size_mb", sa.Integer, nullable=False),
    sa.Column("location", sa.String, nullable=False),  # set by the agent when attached
    sa.Column("attached", sa.Boolean, nullable=False),
    sa.Column("created", sa.String, nullable=False),
)

resources = sa.Table(
    "resources",
    metadata,
    sa.Column("model_uuid", sa.String, primary_key=True),
    sa.Column("application", sa.String, primary_key=True),
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("filename", sa.String, nullable=False),
    sa.Column("uploaded", sa.String, nullable=False),
)

logs = sa.Table(
    "logs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("model_uuid", sa.String, nullable=False),
    sa.Column("time", sa.String, nullable=False),
    sa.Column("entity", sa.String, nullable=False),
    sa.Column("level", sa.String, nullable=False),
    sa.Column("module", sa.String, nullable=False),
    sa.Column("location", sa.String, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Index("ix_logs_model_id", "model_uuid", "id"),
)
