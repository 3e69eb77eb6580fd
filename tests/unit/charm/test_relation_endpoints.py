"""endpoints.match: which provider/requirer pair ``integrate A[:ep] B[:ep]`` means."""

from __future__ import annotations

import pytest

from pyjuju.charm import endpoints as eplib
from pyjuju.charm.endpoints import AppEndpoint
from pyjuju.core.errors import InvalidArgumentError


def ep(app: str, name: str, role: str, iface: str, *, scope: str = "global",
       implicit: bool = False, sub: bool = False) -> AppEndpoint:
    return AppEndpoint(application=app, name=name, role=role, interface=iface, scope=scope,
                       implicit=implicit, subordinate=sub)


def info(app: str, sub: bool = False) -> AppEndpoint:
    """The implicit juju-info provider every application has."""
    return ep(app, "juju-info", "provider", "juju-info", implicit=True, sub=sub)


WP = [ep("wp", "db", "requirer", "mysql"), ep("wp", "cache", "requirer", "memcache"),
      ep("wp", "website", "provider", "http"), ep("wp", "cluster", "peer", "wp-peers"), info("wp")]
MYSQL = [ep("mysql", "server", "provider", "mysql"), ep("mysql", "cluster", "peer", "wp-peers"),
         info("mysql")]
# two explicit mysql requirers: ambiguous unless named
ADMIN = [ep("admin", "db1", "requirer", "mysql"), ep("admin", "db2", "requirer", "mysql"), info("admin")]
PROXY = [ep("proxy", "backend", "requirer", "http"), info("proxy")]
# a subordinate that attaches through juju-info (declared, so explicit) and also speaks http
NRPE = [ep("nrpe", "general-info", "requirer", "juju-info", scope="container", sub=True),
        ep("nrpe", "monitors", "provider", "http", sub=True), info("nrpe", sub=True)]
# a principal that also provides an explicit juju-info-interface endpoint
HOST = [ep("host", "info", "provider", "juju-info"), info("host")]
# a second subordinate, and a principal requiring juju-info with container scope
LOGS = [ep("logs", "general-info", "requirer", "juju-info", scope="container", sub=True),
        info("logs", sub=True)]
PRINCIPAL_CONTAINER = [ep("pc", "general-info", "requirer", "juju-info", scope="container"),
                       info("pc")]

APPS = {e[0].application: e for e in (WP, MYSQL, ADMIN, PROXY, NRPE, HOST, LOGS, PRINCIPAL_CONTAINER)}


def do_match(a: str, b: str) -> tuple[str, str]:
    sa_, sb = eplib.parse_spec(a), eplib.parse_spec(b)
    x, y = eplib.match(sa_, APPS[sa_[0]], sb, APPS[sb[0]])
    return str(x), str(y)


@pytest.mark.parametrize("a, b, expected", [
    ("wp", "mysql", ("wp:db", "mysql:server")),
    ("mysql", "wp", ("mysql:server", "wp:db")),  # the pair comes back in argument order
    ("wp:db", "mysql", ("wp:db", "mysql:server")),
    ("wp", "mysql:server", ("wp:db", "mysql:server")),
    ("wp:db", "mysql:server", ("wp:db", "mysql:server")),
    ("admin:db2", "mysql", ("admin:db2", "mysql:server")),
    ("mysql", "admin:db1", ("mysql:server", "admin:db1")),
    ("proxy", "wp", ("proxy:backend", "wp:website")),
    # subordinate to principal through the implicit juju-info provider
    ("nrpe", "wp", ("nrpe:general-info", "wp:juju-info")),
    ("wp", "nrpe:general-info", ("wp:juju-info", "nrpe:general-info")),
    # the implicit pair is dropped when an explicit pair also matches
    ("nrpe", "host", ("nrpe:general-info", "host:info")),
    # ... but can still be chosen by name
    ("nrpe", "host:juju-info", ("nrpe:general-info", "host:juju-info")),
    # the only pair, though it uses the subordinate's own implicit endpoint
    ("proxy", "nrpe", ("proxy:backend", "nrpe:monitors")),
])
def test_match(a: str, b: str, expected: tuple[str, str]) -> None:
    assert do_match(a, b) == expected


@pytest.mark.parametrize("a, b, needle", [
    ("wp:nope", "mysql", 'application "wp" has no "nope" relation'),
    ("wp", "mysql:nope", 'application "mysql" has no "nope" relation'),
    ("wp:website", "mysql", 'no relations found between "wp:website" and "mysql"'),
    ("wp:db", "mysql:cluster", 'no relations found between "wp:db" and "mysql:cluster"'),
    ("admin", "proxy", 'no relations found between "admin" and "proxy"'),
    ("wp", "wp", 'cannot relate "wp" to itself'),
    ("wp:db", "wp:website", 'cannot relate "wp" to itself'),
])
def test_match_errors(a: str, b: str, needle: str) -> None:
    with pytest.raises(InvalidArgumentError) as e:
        do_match(a, b)
    assert needle in e.value.message


def test_unknown_endpoint_error_names_the_endpoint() -> None:
    with pytest.raises(InvalidArgumentError) as e:
        do_match("wp", "mysql:nope")
    assert e.value.details["endpoint"] == "mysql:nope"


def test_peers_never_match_across_applications() -> None:
    # same interface on both peers, and a requirer of it: still nothing
    a = [ep("a", "cluster", "peer", "p"), ep("a", "want", "requirer", "p")]
    b = [ep("b", "cluster", "peer", "p")]
    with pytest.raises(InvalidArgumentError, match="no relations found"):
        eplib.match(("a", None), a, ("b", None), b)
    with pytest.raises(InvalidArgumentError, match="no relations found"):
        eplib.match(("a", "cluster"), a, ("b", "cluster"), b)


def test_ambiguity_lists_every_candidate() -> None:
    with pytest.raises(InvalidArgumentError) as e:
        do_match("admin", "mysql")
    msg = e.value.message
    assert msg.startswith('ambiguous relation: "admin mysql" could refer to ')
    assert '"admin:db1 mysql:server"' in msg and '"admin:db2 mysql:server"' in msg
    assert e.value.details["candidates"] == [["admin:db1", "mysql:server"],
                                             ["admin:db2", "mysql:server"]]


def test_two_implicit_candidates_are_still_ambiguous() -> None:
    a = [ep("a", "x", "requirer", "juju-info", implicit=True),
         ep("a", "y", "requirer", "juju-info", implicit=True)]
    b = [info("b")]
    with pytest.raises(InvalidArgumentError, match="ambiguous relation"):
        eplib.match(("a", None), a, ("b", None), b)


def test_matching_interface_and_roles_are_both_required() -> None:
    a = [ep("a", "x", "requirer", "one"), ep("a", "y", "provider", "two")]
    b = [ep("b", "x", "requirer", "two"), ep("b", "y", "requirer", "one")]
    assert tuple(map(str, eplib.match(("a", None), a, ("b", None), b))) == ("a:y", "b:x")
    c = [ep("c", "x", "provider", "two")]  # provider/provider on the same interface
    with pytest.raises(InvalidArgumentError, match="no relations found"):
        eplib.match(("a", "y"), a, ("c", None), c)


@pytest.mark.parametrize("a, b", [
    ("nrpe", "logs"),                # two subordinates
    ("pc", "wp"),                    # two principals, container scope on one side
    ("wp", "pc:general-info"),
])
def test_container_pairs_need_one_subordinate_and_one_principal(a: str, b: str) -> None:
    with pytest.raises(InvalidArgumentError, match="no relations found"):
        do_match(a, b)


def test_container_pair_with_principal_requirer_and_subordinate_provider() -> None:
    # container scope may sit on either side; the principal can be the requirer
    sub = [ep("s", "host", "provider", "juju-info", scope="container", sub=True)]
    x, y = eplib.match(("pc", None), PRINCIPAL_CONTAINER, ("s", None), sub)
    assert (str(x), str(y)) == ("pc:general-info", "s:host")
    assert "container" in (x.scope, y.scope) and WP[0].scope == "global"


@pytest.mark.parametrize("eps, key", [
    ([ep("mysql", "server", "provider", "mysql"), ep("wp", "db", "requirer", "mysql")],
     "wp:db mysql:server"),
    ([ep("wp", "db", "requirer", "mysql"), ep("mysql", "server", "provider", "mysql")],
     "wp:db mysql:server"),
    ([ep("zzz", "host", "provider", "juju-info"), ep("aaa", "x", "requirer", "juju-info")],
     "aaa:x zzz:host"),
    ([ep("aaa", "host", "provider", "juju-info"), ep("zzz", "x", "requirer", "juju-info")],
     "zzz:x aaa:host"),
    ([ep("wp", "cluster", "peer", "wp-peers")], "wp:cluster"),
])
def test_relation_key_requirer_first(eps: list[AppEndpoint], key: str) -> None:
    assert eplib.relation_key(eps) == key


@pytest.mark.parametrize("text, parsed", [
    ("wp", ("wp", None)), ("wp:db", ("wp", "db")), ("wp:", ("wp", None)),
])
def test_parse_spec(text: str, parsed: tuple[str, str | None]) -> None:
    assert eplib.parse_spec(text) == parsed


def test_parse_spec_needs_an_application() -> None:
    with pytest.raises(InvalidArgumentError, match='invalid endpoint ":db"'):
        eplib.parse_spec(":db")


def test_to_dict_round_trips_what_relations_store() -> None:
    e = AppEndpoint(application="db", name="server", role="provider", interface="mysql",
                    limit=1, implicit=False)
    assert e.to_dict() == {"application": "db", "name": "server", "role": "provider",
                           "interface": "mysql", "scope": "global", "limit": 1, "implicit": False}
