"""Leader handling without I/O: URLs, zk:// URLs, znode names and data, 307 Locations."""

from __future__ import annotations

import json
import sys

import pytest
from mesos_client.errors import LeaderNotFound, MesosError
from mesos_client.framework import FrameworkInfo
from mesos_client.leader import (
    StaticLeaderLocator,
    ZooKeeperLeaderLocator,
    make_locator,
    master_url_from_info,
    normalize_master_url,
    parse_zk_url,
    pick_leader_znode,
    url_from_location,
    znode_sequence,
)
from mesos_client.scheduler import SchedulerSession

MASTER_INFO = {
    "id": "a1b2-5050-1",
    "ip": 167880896,
    "port": 5050,
    "pid": "master@192.168.33.10:5050",
    "hostname": "master",
    "version": "1.11.0",
    "address": {"hostname": "master", "ip": "192.168.33.10", "port": 5050},
}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("127.0.0.1:5050", "http://127.0.0.1:5050"),
        ("http://127.0.0.1:5050/", "http://127.0.0.1:5050"),
        ("https://m.example:443/api/v1", "https://m.example:443"),
        ("master", "http://master:5050"),
        ("http://user:pw@h:1", "http://h:1"),
        ("http://[::1]:5050", "http://[::1]:5050"),
    ],
)
def test_normalize_master_url(given: str, expected: str) -> None:
    assert normalize_master_url(given) == expected


@pytest.mark.parametrize("bad", ["ftp://h:1", "http://", "http://h:99999"])
def test_bad_master_urls(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_master_url(bad)


def test_bad_master_url_message_hides_a_password() -> None:
    with pytest.raises(ValueError) as info:
        normalize_master_url("ftp://user:hunter2@h:1")
    assert "hunter2" not in str(info.value)


def test_parse_zk_url() -> None:
    target = parse_zk_url("zk://10.0.0.1:2181,10.0.0.2:2181/mesos")
    assert target.hosts == "10.0.0.1:2181,10.0.0.2:2181"
    assert target.path == "/mesos" and target.auth is None
    secured = parse_zk_url("zk://bob:s3cret@127.0.0.1:2181/a/b/")
    assert secured.auth == "bob:s3cret" and secured.path == "/a/b"
    assert "s3cret" not in repr(secured)


@pytest.mark.parametrize("bad", ["zk://h:2181", "zk://h:2181/", "zk:///mesos", "http://h/mesos"])
def test_bad_zk_urls(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_zk_url(bad)


def test_leader_is_the_lowest_json_info_sequence() -> None:
    children = [
        "json.info_0000000012",
        "log_replicas",
        "info_0000000001",  # the old protobuf format, ignored
        "json.info_0000000003",
        "json.info_garbage",
        "json.info_0000000010",
    ]
    assert pick_leader_znode(children) == "json.info_0000000003"
    assert pick_leader_znode(["log_replicas"]) is None
    assert pick_leader_znode([]) is None
    assert znode_sequence("json.info_0000000007") == 7


def test_master_url_from_znode_data() -> None:
    assert master_url_from_info(json.dumps(MASTER_INFO).encode()) == "http://192.168.33.10:5050"
    assert master_url_from_info(json.dumps(MASTER_INFO), scheme="https").startswith("https://")
    legacy = {"hostname": "m1", "port": 5051}
    assert master_url_from_info(json.dumps(legacy)) == "http://m1:5051"


@pytest.mark.parametrize("data", [b"\x08\x01binary", b"[]", b"{}", b'{"address": {"ip": "h"}}'])
def test_unusable_znode_data_raises_leader_not_found(data: bytes) -> None:
    with pytest.raises(LeaderNotFound):
        master_url_from_info(data)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("//127.0.0.1:5051/api/v1/scheduler", "http://127.0.0.1:5051"),
        ("//master:5050/master/api/v1/scheduler", "http://master:5050"),
        ("https://m:5050/api/v1", "https://m:5050"),
        ("", None),
        (None, None),
        ("//:5050/x", None),
    ],
)
def test_url_from_location(location, expected) -> None:
    assert url_from_location(location, "http") == expected


def test_static_locator_follows_hints_inside_and_outside_the_list() -> None:
    locator = StaticLeaderLocator(["http://a:1", "http://b:2", "http://c:3"])
    assert locator.current(0) == "http://a:1"
    locator.moved("http://a:1", "//c:3/api/v1/scheduler")
    assert locator.current(0) == "http://c:3"
    locator.moved("http://c:3", "//d:4/api/v1/scheduler")  # a master not listed
    assert locator.current(0) == "http://d:4"
    locator.moved("http://d:4", None)  # unreachable: back to the list after it
    assert locator.current(0) == "http://a:1"
    locator.moved("http://a:1", None)
    assert locator.current(0) == "http://b:2"
    locator.moved("http://b:2", "//b:2/api/v1/scheduler")  # a redirect to itself
    assert locator.current(0) == "http://c:3"


def test_make_locator_forms() -> None:
    assert isinstance(make_locator("http://a:1,http://b:2"), StaticLeaderLocator)
    assert make_locator(["a:1"]).current(0) == "http://a:1"
    zk = make_locator("zk://127.0.0.1:1/mesos")
    assert isinstance(zk, ZooKeeperLeaderLocator)
    zk.close()
    with pytest.raises(ValueError):
        make_locator([])


def test_missing_kazoo_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # kazoo is installed here; hide it the way an interpreter without it would behave.
    for name in ("kazoo", "kazoo.client", "kazoo.handlers.threading", "kazoo.exceptions"):
        monkeypatch.setitem(sys.modules, name, None)
    locator = ZooKeeperLeaderLocator("zk://127.0.0.1:1/mesos")
    with pytest.raises(MesosError, match="need the 'kazoo' package"):
        locator.current(0)
    session = SchedulerSession("zk://127.0.0.1:1/mesos", FrameworkInfo(user="u", name="n"))
    try:
        with pytest.raises(MesosError, match="kazoo"):
            session.subscribe(timeout=30)  # at once, not after 30 s
    finally:
        session.close()
