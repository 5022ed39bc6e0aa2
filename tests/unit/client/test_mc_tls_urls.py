"""Which scheme a master is reached with: ``tls`` for ZooKeeper and ``host:port`` masters,
explicit URLs keep theirs, a 307 keeps the scheme of the master that sent it. No I/O."""

from __future__ import annotations

import json

import pytest
from mesos_client.leader import (
    StaticLeaderLocator,
    ZooKeeperLeaderLocator,
    make_locator,
    master_url_from_info,
    normalize_master_url,
)

MASTER_INFO = json.dumps({"address": {"hostname": "m", "ip": "192.168.33.10", "port": 5050}})


@pytest.mark.parametrize(
    ("given", "scheme", "expected"),
    [
        ("192.168.33.10:5050", "https", "https://192.168.33.10:5050"),
        ("192.168.33.10", "https", "https://192.168.33.10:5050"),
        ("http://192.168.33.10:5050", "https", "http://192.168.33.10:5050"),
        ("https://192.168.33.10:5050", "http", "https://192.168.33.10:5050"),
        ("[::1]:5050", "https", "https://[::1]:5050"),
    ],
)
def test_scheme_applies_only_to_masters_without_one(given: str, scheme: str, expected: str):
    assert normalize_master_url(given, default_scheme=scheme) == expected
    assert StaticLeaderLocator([given], scheme=scheme).current(0) == expected


@pytest.mark.parametrize("bad", ["not a url", "http://a b:1", "http://-:1", "ftp://m:1", "m:x"])
def test_hosts_that_cannot_be_masters_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="master URL"):
        normalize_master_url(bad)


def test_zookeeper_master_info_gets_the_scheme() -> None:
    assert master_url_from_info(MASTER_INFO, "https") == "https://192.168.33.10:5050"
    assert master_url_from_info(MASTER_INFO) == "http://192.168.33.10:5050"
    locator = make_locator("zk://127.0.0.1:1/mesos", scheme="https")
    try:
        assert isinstance(locator, ZooKeeperLeaderLocator) and locator.scheme == "https"
    finally:
        locator.close()


def test_make_locator_passes_the_scheme_to_listed_masters() -> None:
    locator = make_locator("a:1,http://b:2,https://c:3", scheme="https")
    assert isinstance(locator, StaticLeaderLocator)
    assert locator.urls == ["https://a:1", "http://b:2", "https://c:3"]


def test_make_locator_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="scheme must be http or https"):
        make_locator(["a:1"], scheme="ftp")


def test_a_redirect_keeps_the_scheme_of_the_master_that_sent_it() -> None:
    locator = StaticLeaderLocator(["https://a:1", "http://b:2"])
    locator.moved("https://a:1", "//c:3/api/v1/scheduler")
    assert locator.current(0) == "https://c:3"
    locator.moved("https://c:3", None)
    locator.moved("https://a:1", None)
    assert locator.current(0) == "http://b:2"
    locator.moved("http://b:2", "//d:4/api/v1")
    assert locator.current(0) == "http://d:4"


def test_a_redirect_with_a_scheme_keeps_it() -> None:
    locator = StaticLeaderLocator(["a:1"], scheme="https")
    locator.moved("https://a:1", "http://e:5/api/v1")
    assert locator.current(0) == "http://e:5"
