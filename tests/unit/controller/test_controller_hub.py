"""Change hub: fan-out of committed revisions to watchers."""

from __future__ import annotations

import asyncio

from pyjuju.controller.hub import ALL, ChangeHub, drain


def test_publish_reaches_model_and_all_subscribers() -> None:
    hub = ChangeHub()
    with hub.subscribe("m1") as q1, hub.subscribe("m2") as q2, hub.subscribe(ALL) as qa:
        hub.publish("m1", 5, [("unit", "app/0"), ("machine", "0")])
        assert q1.get_nowait() == (5, [("unit", "app/0"), ("machine", "0")])
        assert q2.empty()
        assert qa.get_nowait() == (5, [("unit", "m1:app/0"), ("machine", "m1:0")])
    # unsubscribed on exit: publishing again reaches nobody and does not fail
    hub.publish("m1", 6, [("unit", "app/0")])
    assert q1.empty() and qa.empty()


def test_published_list_is_copied() -> None:
    hub = ChangeHub()
    changes = [("unit", "a/0")]
    with hub.subscribe("m") as q:
        hub.publish("m", 1, changes)
        changes.append(("unit", "a/1"))
        assert q.get_nowait() == (1, [("unit", "a/0")])


def test_drain_coalesces_queued_batches() -> None:
    async def go() -> list[tuple[int, list[tuple[str, str]]]]:
        hub = ChangeHub()
        out = []
        with hub.subscribe("m") as q:
            hub.publish("m", 1, [("unit", "a/0")])
            hub.publish("m", 2, [("application", "a")])
            hub.publish("m", 3, [("unit", "a/1")])
            it = drain(q).__aiter__()
            out.append(await it.__anext__())
            hub.publish("m", 4, [("model", "m")])
            out.append(await it.__anext__())
            nxt = asyncio.ensure_future(it.__anext__())
            await asyncio.sleep(0.01)
            assert not nxt.done()  # waits for the next commit
            hub.publish("m", 5, [("machine", "0")])
            out.append(await asyncio.wait_for(nxt, 1))
        return out

    assert asyncio.run(go()) == [
        (3, [("unit", "a/0"), ("application", "a"), ("unit", "a/1")]),
        (4, [("model", "m")]),
        (5, [("machine", "0")]),
    ]


def test_log_subscribers_are_woken_per_model() -> None:
    hub = ChangeHub()
    with hub.subscribe_logs("m1") as e1, hub.subscribe_logs("m2") as e2:
        hub.publish_logs("m1")
        assert e1.is_set() and not e2.is_set()
    hub.publish_logs("m1")  # nobody left: fine
