"""Plain-HTTP controller URLs skip loading the CA bundle; HTTPS keeps verification."""

from __future__ import annotations

from pyjuju.client._errors import tls_verify


def test_tls_verify_follows_the_scheme() -> None:
    assert tls_verify("http://10.0.0.1:17070") is False
    assert tls_verify("https://ctl.example:17070") is True

