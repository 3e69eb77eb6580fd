"""The user client checks the shape of the controller's JSON before handing it on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pyjuju.client.user import Client
from pyjuju.core.errors import PyjujuError


def _client(answer: Any) -> Client:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    return Client("http://controller", "token", transport=transport)


def test_documents_and_lists_come_back_as_sent() -> None:
    with _client({"model": {"name": "m"}}) as c:
        assert c.status("m") == {"model": {"name": "m"}}
    with _client([{"name": "m"}]) as c:
        assert c.models() == [{"name": "m"}]
    with _client({"notes": ["will remove unit app/0"]}) as c:
        assert c.remove_unit("m", "app/0") == ["will remove unit app/0"]


@pytest.mark.parametrize(("answer", "call", "message"), [
    ([], lambda c: c.status("m"), r"\(GET /api/models/m/status\): not a JSON object"),
    ({}, lambda c: c.models(), r"\(GET /api/models\): not a JSON array"),
    ({"notes": "one"}, lambda c: c.remove_unit("m", "app/0"), r"\(notes\): not a JSON array"),
])
def test_an_answer_of_the_wrong_shape_is_an_error(answer: Any, call: Any, message: str) -> None:
    with _client(answer) as c, pytest.raises(PyjujuError, match=message):
        call(c)
