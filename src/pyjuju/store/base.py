"""Store, read and write transactions.

A write transaction on a model collects ``(kind, key)`` change records; on
commit it bumps the model's revision once and stores the records under that
revision, then tells the listeners (the controller's change hub) after the
commit is durable. A transaction that raises changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ..core.errors import StoreError
from . import schema
from .rows import (
    ApplicationRow,
    CharmRow,
    CredentialRow,
    LogRow,
    MachineRow,
    ModelRow,
    OperationRow,
    RelationRow,
    ResourceRow,
    Row,
    ScopeRow,
    SecretConsumerRow,
    SecretGrantRow,
    SecretRevisionRow,
    SecretRow,
    SettingsRow,
    StorageRow,
    TaskRow,
    UnitRow,
    row_from,
)
from .upgrade import add_missing_columns

log = logging.getLogger(__name__)

CommitListener = Callable[[str, int, list[tuple[str, str]]], None]


def open_store(url: str) -> Store:
    """Open (and create if needed) the store at ``url`` (``sqlite:///path`` or a PostgreSQL URL)."""
    return Store(url)


class Store:
    """The controller's single store. Use :meth:`read` and :meth:`write`."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.engine = sa.create_engine(
                url,
                poolclass=StaticPool,
                connect_args={"check_same_thread": True, "isolation_level": None},
            )
            sa.event.listen(self.engine, "connect", _sqlite_on_connect)
        else:  # pragma: no cover - exercised when a PostgreSQL backend is configured
            self.engine = sa.create_engine(url)
        schema.metadata.create_all(self.engine)
        add_missing_columns(self.engine)
        self._listeners: list[CommitListener] = []

    def add_listener(self, fn: CommitListener) -> None:
        self._listeners.append(fn)

    @contextlib.contextmanager
    def read(self) -> Iterator[ReadTx]:
        """A consistent snapshot for reads (one status call = one snapshot)."""
        with self.engine.connect() as conn:
            if self.url.startswith("sqlite"):
                conn.exec_driver_sql("BEGIN")
            try:
                yield ReadTx(conn)
            finally:
                conn.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[WriteTx]:
        """One atomic write. Changes to models are recorded and published on commit."""
        with self.engine.connect() as conn:
            if self.url.startswith("sqlite"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:  # pragma: no cover
                conn.begin()
            tx = WriteTx(conn)
            try:
                yield tx
                published = tx._finish()
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        for model_uuid, revision, recs in published:
            for fn in self._listeners:
                try:
                    fn(model_uuid, revision, recs)
                except Exception:  # a listener must never undo a commit
                    log.exception("change listener failed")

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


class ReadTx:
    """Typed reads. Every ``get_*`` returns ``None`` when the row is missing."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    # -- generic -------------------------------------------------------------
    def _one(self, table: sa.Table, cls: type[Row], **pk: Any) -> Row | None:
        q = sa.select(table).where(*[table.c[k] == v for k, v in pk.items()])
        r = self.conn.execute(q).mappings().first()
        return row_from(cls, r) if r is not None else None

    def _many(self, table: sa.Table, cls: type[Row], order: Sequence[str] = (), **where: Any) -> list[Row]:
        q = sa.select(table).where(*[table.c[k] == v for k, v in where.items()])
        if order:
            q = q.order_by(*[table.c[o] for o in order])
        return [row_from(cls, r) for r in self.conn.execute(q).mappings()]

    # -- controller ----------------------------------------------------------
    def controller_value(self, key: str) -> Any:
        r = self.conn.execute(
            sa.select(schema.controller_info.c.value).where(schema.controller_info.c.key == key)
        ).first()
        return r[0] if r else None

    def credential(self, token_hash: str) -> CredentialRow | None:
        return self._one(schema.credentials, CredentialRow, token_hash=token_hash)

    # -- models --------------------------------------------------------------
    def model(self, uuid: str) -> ModelRow | None:
        return self._one(schema.models, ModelRow, uuid=uuid)

    def model_by_name(self, owner: str, name: str) -> ModelRow | None:
        return self._one(schema.models, ModelRow, owner=owner, name=name)

    def models(self) -> list[ModelRow]:
        return self._many(schema.models, ModelRow, order=("name",))

    def changes_since(self, model_uuid: str, revision: int) -> list[tuple[int, str, str]]:
        c = schema.changes.c
        q = (
            sa.select(c.revision, c.kind, c.key)
            .where(c.model_uuid == model_uuid, c.revision > revision)
            .order_by(c.revision, c.seq)
        )
        return [(r[0], r[1], r[2]) for r in self.conn.execute(q)]

    # -- charms --------------------------------------------------------------
    def charm(self, model_uuid: str, url: str) -> CharmRow | None:
        return self._one(schema.charms, CharmRow, model_uuid=model_uuid, url=url)

    def charms(self, model_uuid: str, name: str | None = None) -> list[CharmRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if name is not None:
            where["name"] = name
        return self._many(schema.charms, CharmRow, order=("name", "revision"), **where)

    # -- applications -------------------------------------------------------
    def application(self, model_uuid: str, name: str) -> ApplicationRow | None:
        return self._one(schema.applications, ApplicationRow, model_uuid=model_uuid, name=name)

    def applications(self, model_uuid: str) -> list[ApplicationRow]:
        return self._many(schema.applications, ApplicationRow, order=("name",), model_uuid=model_uuid)

    # -- units -----------------------------------------------------------------
    def unit(self, model_uuid: str, name: str) -> UnitRow | None:
        return self._one(schema.units, UnitRow, model_uuid=model_uuid, name=name)

    def units(
        self, model_uuid: str, application: str | None = None, machine_id: str | None = None
    ) -> list[UnitRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if application is not None:
            where["application"] = application
        if machine_id is not None:
            where["machine_id"] = machine_id
        return self._many(schema.units, UnitRow, order=("application", "number"), **where)

    # -- machines --------------------------------------------------------------
    def machine(self, model_uuid: str, machine_id: str) -> MachineRow | None:
        return self._one(schema.machines, MachineRow, model_uuid=model_uuid, id=machine_id)

    def machines(self, model_uuid: str) -> list[MachineRow]:
        rows = self._many(schema.machines, MachineRow, model_uuid=model_uuid)
        return sorted(rows, key=lambda m: [int(p) if p.isdigit() else p for p in m.id.split("/")])

    # -- relations -------------------------------------------------------------
    def relation(self, model_uuid: str, relation_id: int) -> RelationRow | None:
        return self._one(schema.relations, RelationRow, model_uuid=model_uuid, id=relation_id)

    def relations(self, model_uuid: str) -> list[RelationRow]:
        return self._many(schema.relations, RelationRow, order=("id",), model_uuid=model_uuid)

    def scopes(self, model_uuid: str, relation_id: int | None = None) -> list[ScopeRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if relation_id is not None:
            where["relation_id"] = relation_id
        return self._many(schema.relation_scopes, ScopeRow, order=("relation_id", "unit"), **where)

    def settings(self, model_uuid: str, relation_id: int, owner: str, is_app: bool) -> SettingsRow | None:
        return self._one(schema.relation_settings, SettingsRow, model_uuid=model_uuid,
                         relation_id=relation_id, owner=owner, is_app=is_app)

    def settings_versions(self, model_uuid: str) -> list[tuple[int, str, bool, int]]:
        """``(relation_id, owner, is_app, version)`` of every bag in the model (no contents)."""
        c = schema.relation_settings.c
        q = sa.select(c.relation_id, c.owner, c.is_app, c.version).where(c.model_uuid == model_uuid)
        return [(r[0], r[1], bool(r[2]), r[3]) for r in self.conn.execute(q)]

    # -- operations and tasks ---------------------------------------------------
    def operation(self, model_uuid: str, op_id: int) -> OperationRow | None:
        return self._one(schema.operations, OperationRow, model_uuid=model_uuid, id=op_id)

    def operations(self, model_uuid: str) -> list[OperationRow]:
        return self._many(schema.operations, OperationRow, order=("id",), model_uuid=model_uuid)

    def task(self, model_uuid: str, task_id: int) -> TaskRow | None:
        return self._one(schema.tasks, TaskRow, model_uuid=model_uuid, id=task_id)

    def tasks(self, model_uuid: str, *, operation_id: int | None = None, receiver: str | None = None,
              statuses: Sequence[str] = ()) -> list[TaskRow]:
        c = schema.tasks.c
        q = sa.select(schema.tasks).where(c.model_uuid == model_uuid)
        if operation_id is not None:
            q = q.where(c.operation_id == operation_id)
        if receiver is not None:
            q = q.where(c.receiver == receiver)
        if statuses:
            q = q.where(c.status.in_(list(statuses)))
        return [row_from(TaskRow, r) for r in self.conn.execute(q.order_by(c.id)).mappings()]

    # -- secrets ---------------------------------------------------------------
    def secret(self, model_uuid: str, secret_id: str) -> SecretRow | None:
        return self._one(schema.secrets, SecretRow, model_uuid=model_uuid, id=secret_id)

    def secrets(self, model_uuid: str) -> list[SecretRow]:
        return self._many(schema.secrets, SecretRow, order=("created", "id"), model_uuid=model_uuid)

    def secret_revisions(self, model_uuid: str, secret_id: str | None = None) -> list[SecretRevisionRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if secret_id is not None:
            where["secret_id"] = secret_id
        return self._many(schema.secret_revisions, SecretRevisionRow, order=("secret_id", "revision"), **where)

    def secret_consumers(self, model_uuid: str, secret_id: str | None = None) -> list[SecretConsumerRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if secret_id is not None:
            where["secret_id"] = secret_id
        return self._many(schema.secret_consumers, SecretConsumerRow, order=("secret_id", "consumer"), **where)

    def secret_grants(self, model_uuid: str, secret_id: str | None = None) -> list[SecretGrantRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if secret_id is not None:
            where["secret_id"] = secret_id
        return self._many(schema.secret_grants, SecretGrantRow, order=("secret_id", "subject"), **where)

    # -- storage and resources -------------------------------------------------
    def storage_instances(self, model_uuid: str, unit: str | None = None) -> list[StorageRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if unit is not None:
            where["unit"] = unit
        return self._many(schema.storage, StorageRow, order=("id",), **where)

    def storage_instance(self, model_uuid: str, storage_id: str) -> StorageRow | None:
        return self._one(schema.storage, StorageRow, model_uuid=model_uuid, id=storage_id)

    def resources(self, model_uuid: str, application: str | None = None) -> list[ResourceRow]:
        where: dict[str, Any] = {"model_uuid": model_uuid}
        if application is not None:
            where["application"] = application
        return self._many(schema.resources, ResourceRow, order=("application", "name"), **where)

    # -- logs ------------------------------------------------------------------
    def logs(
        self,
        model_uuid: str,
        *,
        after_id: int = 0,
        entities: Sequence[str] = (),
        levels: Sequence[str] = (),
        last: int | None = None,
    ) -> list[LogRow]:
        c = schema.logs.c
        q = sa.select(schema.logs).where(c.model_uuid == model_uuid, c.id > after_id)
        if entities:
            q = q.where(c.entity.in_(list(entities)))
        if levels:
            q = q.where(c.level.in_(list(levels)))
        if last is not None:
            q = q.order_by(c.id.desc()).limit(last)
            rows = list(self.conn.execute(q).mappings())
            rows.reverse()
        else:
            rows = list(self.conn.execute(q.order_by(c.id)).mappings())
        return [row_from(LogRow, r) for r in rows]


class WriteTx(ReadTx):
    """Reads plus typed writes; each write records a change for its model."""

    def __init__(self, conn: sa.Connection) -> None:
        super().__init__(conn)
        self._changes: dict[str, list[tuple[str, str]]] = {}

    def touch(self, model_uuid: str, kind: str, key: str) -> None:
        """Record that ``kind``/``key`` changed in ``model_uuid`` (deduplicated)."""
        recs = self._changes.setdefault(model_uuid, [])
        if (kind, key) not in recs:
            recs.append((kind, key))

    def _finish(self) -> list[tuple[str, int, list[tuple[str, str]]]]:
        out = []
        m = schema.models.c
        for model_uuid, recs in self._changes.items():
            r = self.conn.execute(
                sa.update(schema.models)
                .where(m.uuid == model_uuid)
                .values(revision=m.revision + 1)
                .returning(m.revision)
            ).first()
            if r is None:  # the model itself was removed in this transaction
                continue
            rev = int(r[0])
            self.conn.execute(
                sa.insert(schema.changes),
                [
                    {"model_uuid": model_uuid, "revision": rev, "seq": i, "kind": k, "key": key}
                    for i, (k, key) in enumerate(recs)
                ],
            )
            out.append((model_uuid, rev, recs))
        return out

    # -- generic -------------------------------------------------------------
    def _insert(self, table: sa.Table, row: Any) -> None:
        import dataclasses

        self.conn.execute(sa.insert(table).values(**dataclasses.asdict(row)))

    def _update(self, table: sa.Table, pk: dict[str, Any], fields: dict[str, Any]) -> None:
        if not fields:
            return
        res = self.conn.execute(
            sa.update(table).where(*[table.c[k] == v for k, v in pk.items()]).values(**fields)
        )
        if res.rowcount == 0:
            raise StoreError(f"no {table.name} row {pk}")

    def _delete(self, table: sa.Table, **pk: Any) -> None:
        self.conn.execute(sa.delete(table).where(*[table.c[k] == v for k, v in pk.items()]))

    # -- controller ----------------------------------------------------------
    def set_controller_value(self, key: str, value: Any) -> None:
        t = schema.controller_info
        if self.controller_value(key) is None:
            self.conn.execute(sa.insert(t).values(key=key, value=value))
        else:
            self.conn.execute(sa.update(t).where(t.c.key == key).values(value=value))

    def add_credential(self, row: CredentialRow) -> None:
        self._insert(schema.credentials, row)

    def remove_credentials(self, kind: str, entity: str, model_uuid: str | None) -> None:
        c = schema.credentials.c
        self.conn.execute(
            sa.delete(schema.credentials).where(
                c.kind == kind, c.entity == entity, c.model_uuid == model_uuid
            )
        )

    # -- models --------------------------------------------------------------
    def add_model(self, row: ModelRow) -> None:
        self._insert(schema.models, row)
        self.touch(row.uuid, "model", row.uuid)

    def update_model(self, uuid: str, *, kind: str = "model", **fields: Any) -> None:
        """``kind="model-seq"`` for id counters, which no watcher needs to hear about."""
        self._update(schema.models, {"uuid": uuid}, fields)
        self.touch(uuid, kind, uuid)

    def remove_model(self, uuid: str) -> None:
        for table in (
            schema.resources,
            schema.storage,
            schema.secret_grants,
            schema.secret_consumers,
            schema.secret_revisions,
            schema.secrets,
            schema.tasks,
            schema.operations,
            schema.relation_settings,
            schema.relation_scopes,
            schema.relations,
            schema.units,
            schema.applications,
            schema.machines,
            schema.charms,
            schema.changes,
            schema.logs,
        ):
            self.conn.execute(sa.delete(table).where(table.c.model_uuid == uuid))
        c = schema.credentials.c
        self.conn.execute(sa.delete(schema.credentials).where(c.model_uuid == uuid))
        self._delete(schema.models, uuid=uuid)
        self._changes.pop(uuid, None)

    # -- charms --------------------------------------------------------------
    def add_charm(self, row: CharmRow) -> None:
        self._insert(schema.charms, row)
        self.touch(row.model_uuid, "charm", row.url)

    # -- applications -------------------------------------------------------
    def add_application(self, row: ApplicationRow) -> None:
        self._insert(schema.applications, row)
        self.touch(row.model_uuid, "application", row.name)

    def update_application(self, model_uuid: str, name: str, *, kind: str = "application", **fields: Any) -> None:
        """Change fields; ``kind`` names the change record (``application-status`` for status-only writes
        that agents don't care about)."""
        self._update(schema.applications, {"model_uuid": model_uuid, "name": name}, fields)
        self.touch(model_uuid, kind, name)

    def remove_application(self, model_uuid: str, name: str) -> None:
        self._delete(schema.applications, model_uuid=model_uuid, name=name)
        self.touch(model_uuid, "application", name)

    # -- units -----------------------------------------------------------------
    def add_unit(self, row: UnitRow) -> None:
        self._insert(schema.units, row)
        self.touch(row.model_uuid, "unit", row.name)

    def update_unit(self, model_uuid: str, name: str, *, kind: str = "unit", **fields: Any) -> None:
        """Change fields; ``kind`` names the change record (``unit-status`` for status-only writes
        that agents don't care about)."""
        self._update(schema.units, {"model_uuid": model_uuid, "name": name}, fields)
        self.touch(model_uuid, kind, name)

    def remove_unit(self, model_uuid: str, name: str) -> None:
        self._delete(schema.units, model_uuid=model_uuid, name=name)
        self.touch(model_uuid, "unit", name)

    # -- machines --------------------------------------------------------------
    def add_machine(self, row: MachineRow) -> None:
        self._insert(schema.machines, row)
        self.touch(row.model_uuid, "machine", row.id)

    def update_machine(self, model_uuid: str, machine_id: str, *, kind: str = "machine", **fields: Any) -> None:
        """Change fields; ``kind`` names the change record (``machine-status`` for status-only writes
        that agents don't care about)."""
        self._update(schema.machines, {"model_uuid": model_uuid, "id": machine_id}, fields)
        self.touch(model_uuid, kind, machine_id)

    def remove_machine(self, model_uuid: str, machine_id: str) -> None:
        self._delete(schema.machines, model_uuid=model_uuid, id=machine_id)
        self.touch(model_uuid, "machine", machine_id)

    # -- relations -------------------------------------------------------------
    def add_relation(self, row: RelationRow) -> None:
        self._insert(schema.relations, row)
        self.touch(row.model_uuid, "relation", str(row.id))

    def update_relation(self, model_uuid: str, relation_id: int, **fields: Any) -> None:
        self._update(schema.relations, {"model_uuid": model_uuid, "id": relation_id}, fields)
        self.touch(model_uuid, "relation", str(relation_id))

    def remove_relation(self, model_uuid: str, relation_id: int) -> None:
        for table in (schema.relation_settings, schema.relation_scopes):
            self.conn.execute(
                sa.delete(table).where(table.c.model_uuid == model_uuid, table.c.relation_id == relation_id)
            )
        self._delete(schema.relations, model_uuid=model_uuid, id=relation_id)
        self.touch(model_uuid, "relation", str(relation_id))

    def enter_scope(self, row: ScopeRow) -> bool:
        """Returns False when the unit was already in scope."""
        existing = self._one(schema.relation_scopes, ScopeRow, model_uuid=row.model_uuid,
                             relation_id=row.relation_id, unit=row.unit)
        if existing is not None:
            return False
        self._insert(schema.relation_scopes, row)
        self.touch(row.model_uuid, "relation", str(row.relation_id))
        return True

    def leave_scope(self, model_uuid: str, relation_id: int, unit: str) -> None:
        self._delete(schema.relation_scopes, model_uuid=model_uuid, relation_id=relation_id, unit=unit)
        self.touch(model_uuid, "relation", str(relation_id))

    def update_settings(self, model_uuid: str, relation_id: int, owner: str, is_app: bool,
                        changes: dict[str, str]) -> bool:
        """Merge ``changes`` (``""`` deletes); bump the bag's version if anything changed."""
        row = self.settings(model_uuid, relation_id, owner, is_app)
        current = dict(row.settings) if row else {}
        new = dict(current)
        for k, v in changes.items():
            if v == "":
                new.pop(k, None)
            else:
                new[k] = v
        if new == current and (row is not None or not changes):
            return False
        if row is None and not new:
            return False
        if row is None:
            self._insert(schema.relation_settings, SettingsRow(
                model_uuid=model_uuid, relation_id=relation_id, owner=owner, is_app=is_app,
                settings=new, version=1))
        else:
            self._update(schema.relation_settings,
                         {"model_uuid": model_uuid, "relation_id": relation_id, "owner": owner,
                          "is_app": is_app},
                         {"settings": new, "version": row.version + 1})
        self.touch(model_uuid, "relation", str(relation_id))
        return True

    # -- operations and tasks ---------------------------------------------------
    def add_operation(self, row: OperationRow) -> None:
        self._insert(schema.operations, row)

    def add_task(self, row: TaskRow) -> None:
        self._insert(schema.tasks, row)
        self.touch(row.model_uuid, "task", str(row.id))

    def update_task(self, model_uuid: str, task_id: int, **fields: Any) -> None:
        self._update(schema.tasks, {"model_uuid": model_uuid, "id": task_id}, fields)
        self.touch(model_uuid, "task", str(task_id))

    # -- secrets ---------------------------------------------------------------
    def add_secret(self, row: SecretRow) -> None:
        self._insert(schema.secrets, row)
        self.touch(row.model_uuid, "secret", row.id)

    def update_secret(self, model_uuid: str, secret_id: str, **fields: Any) -> None:
        self._update(schema.secrets, {"model_uuid": model_uuid, "id": secret_id}, fields)
        self.touch(model_uuid, "secret", secret_id)

    def remove_secret(self, model_uuid: str, secret_id: str) -> None:
        for table in (schema.secret_revisions, schema.secret_consumers, schema.secret_grants):
            self.conn.execute(sa.delete(table).where(table.c.model_uuid == model_uuid,
                                                     table.c.secret_id == secret_id))
        self._delete(schema.secrets, model_uuid=model_uuid, id=secret_id)
        self.touch(model_uuid, "secret", secret_id)

    def add_secret_revision(self, row: SecretRevisionRow) -> None:
        self._insert(schema.secret_revisions, row)
        self.touch(row.model_uuid, "secret", row.secret_id)

    def update_secret_revision(self, model_uuid: str, secret_id: str, revision: int, **fields: Any) -> None:
        self._update(schema.secret_revisions,
                     {"model_uuid": model_uuid, "secret_id": secret_id, "revision": revision}, fields)
        self.touch(model_uuid, "secret", secret_id)

    def remove_secret_revision(self, model_uuid: str, secret_id: str, revision: int) -> None:
        self._delete(schema.secret_revisions, model_uuid=model_uuid, secret_id=secret_id, revision=revision)
        self.touch(model_uuid, "secret", secret_id)

    def set_secret_consumer(self, row: SecretConsumerRow) -> None:
        self._delete(schema.secret_consumers, model_uuid=row.model_uuid, secret_id=row.secret_id,
                     consumer=row.consumer)
        self._insert(schema.secret_consumers, row)
        self.touch(row.model_uuid, "secret", row.secret_id)

    def set_secret_grant(self, row: SecretGrantRow) -> None:
        self._delete(schema.secret_grants, model_uuid=row.model_uuid, secret_id=row.secret_id,
                     subject=row.subject)
        self._insert(schema.secret_grants, row)
        self.touch(row.model_uuid, "secret", row.secret_id)

    def remove_secret_grant(self, model_uuid: str, secret_id: str, subject: str) -> None:
        self._delete(schema.secret_grants, model_uuid=model_uuid, secret_id=secret_id, subject=subject)
        self.touch(model_uuid, "secret", secret_id)

    # -- storage and resources -------------------------------------------------
    def add_storage(self, row: StorageRow) -> None:
        self._insert(schema.storage, row)
        self.touch(row.model_uuid, "unit", row.unit)

    def update_storage(self, model_uuid: str, storage_id: str, unit: str, **fields: Any) -> None:
        self._update(schema.storage, {"model_uuid": model_uuid, "id": storage_id}, fields)
        self.touch(model_uuid, "unit", unit)

    def remove_storage(self, model_uuid: str, storage_id: str, unit: str) -> None:
        self._delete(schema.storage, model_uuid=model_uuid, id=storage_id)
        self.touch(model_uuid, "unit", unit)

    def set_resource(self, row: ResourceRow) -> None:
        self._delete(schema.resources, model_uuid=row.model_uuid, application=row.application, name=row.name)
        self._insert(schema.resources, row)
        self.touch(row.model_uuid, "application", row.application)

    # -- logs ------------------------------------------------------------------
    def add_logs(self, records: list[dict[str, Any]]) -> int:
        """Append log records (no revision bump: logs are their own stream). Returns last id."""
        if not records:
            return 0
        self.conn.execute(sa.insert(schema.logs), records)
        r = self.conn.execute(sa.select(sa.func.max(schema.logs.c.id))).first()
        return int(r[0]) if r and r[0] is not None else 0

    def trim_logs(self, model_uuid: str, keep: int) -> None:
        c = schema.logs.c
        r = self.conn.execute(
            sa.select(c.id)
            .where(c.model_uuid == model_uuid)
            .order_by(c.id.desc())
            .offset(keep)
            .limit(1)
        ).first()
        if r is not None:
            self.conn.execute(
                sa.delete(schema.logs).where(c.model_uuid == model_uuid, c.id <= r[0])
            )

    def trim_changes(self, model_uuid: str, below_revision: int) -> None:
        c = schema.changes.c
        self.conn.execute(
            sa.delete(schema.changes).where(c.model_uuid == model_uuid, c.revision < below_revision)
        )
