"""Long polls answer as soon as what they wait for happens, and give up when the time is up."""

from __future__ import annotations

import asyncio
from typing import Any

import yaml

from pyjuju.controller.services import applications, charms, longpoll, models, operations

ACTIONS = {"backup": {"description": "back up"}}


def run_while(coro: Any, *writes: Any) -> tuple[Any, float]:
    """Await ``coro`` while each of ``writes`` runs 20 ms after the previous one; returns the
    result and how long it took."""

    async def go() -> tuple[Any, float]:
        loop = asyncio.get_running_loop()

        async def later() -> None:
            for write in writes:
                await asyncio.sleep(0.02)
                write()

        start = loop.time()
        writer = asyncio.create_task(later())
        out = await coro
        await writer
        return out, loop.time() - start

    return asyncio.run(go())


def test_changes_wake_on_the_next_write(svc, model) -> None:
    with svc.store.read() as tx:
        rev = tx.model(model.uuid).revision
    out, took = run_while(
        longpoll.changes(svc, "default", rev, wait=30),
        lambda: models.set_model_config(svc, "default", {"update-status-hook-interval": "10s"}, []),
    )
    assert took < 10
    assert out["revision"] == rev + 1 and out["changes"] == [{"revision": rev + 1, "kind": "model",
                                                              "key": model.uuid}]


def test_changes_give_up_when_the_wait_is_over(svc, model) -> None:
    with svc.store.read() as tx:
        rev = tx.model(model.uuid).revision
    out, took = run_while(longpoll.changes(svc, "default", rev, wait=0.05))
    assert out == {"revision": rev, "changes": []} and took >= 0.05


def test_task_wait_returns_once_the_task_is_done(svc, model, charm_bytes) -> None:
    url = charms.add_charm(svc, "default", charm_bytes(files={"actions.yaml": yaml.safe_dump(ACTIONS)})).url
    applications.deploy(svc, "default", application="app", charm_url=url, num_units=1, config={},
                        config_strings={}, directives=[])
    task_id = int(operations.enqueue_actions(svc, "default", ["app/0"], "backup", {})["tasks"][0]["id"])
    out, took = run_while(
        longpoll.task(svc, "default", task_id, wait=30),
        lambda: operations.begin_task(svc, model, "0", task_id),
        lambda: operations.finish_task(svc, model, "0", task_id, "completed", "", {"done": "yes"}),
    )
    assert took < 10
    assert out["status"] == "completed" and out["results"] == {"done": "yes"}
    pending = int(operations.enqueue_actions(svc, "default", ["app/0"], "backup", {})["tasks"][0]["id"])
    out, _ = run_while(longpoll.task(svc, "default", pending, wait=0.05))
    assert out["status"] == "pending"
