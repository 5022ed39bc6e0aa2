"""GET / on a mesos_sim master: its own HTML page naming the simulator, agents, tasks."""

from __future__ import annotations

from html.parser import HTMLParser

import requests

from tests.support.sim import SEED_ATTRIBUTES
from tests.support.wait import wait_until

from .web_ui_task import running_task


class TableRows(HTMLParser):
    """Cell texts of every row of every ``<table id=...>``: ``tables[id] == [[cell, ...]]``."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page(url: str) -> tuple[requests.Response, TableRows]:
    response = requests.get(url + "/", timeout=5, allow_redirects=False)
    rows = TableRows()
    rows.feed(response.text)
    return response, rows


def test_root_is_an_html_page_that_names_the_simulator(sim_cluster):
    response, rows = page(sim_cluster.leader_url())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "mesos_sim" in response.text
    assert "not Apache Mesos" in response.text
    assert rows.scripts == 0
    assert "http" not in response.text.replace(sim_cluster.leader_url(), "").lower()


def test_lists_the_agent_with_its_attributes(sim_cluster):
    (agent,) = sim_cluster.wait_for_agents()["slaves"]
    _, rows = page(sim_cluster.leader_url())
    assert rows.tables["agents"][0] == ["ID", "Hostname", "Attributes", "Active"]
    assert rows.tables["agents"][1:] == [[agent["id"], "127.0.0.1", SEED_ATTRIBUTES, "true"]]
    assert rows.tables["tasks"][1:] == [["No tasks."]]


def test_lists_the_framework_and_its_running_task(sim_cluster):
    (agent,) = sim_cluster.wait_for_agents()["slaves"]
    with running_task(sim_cluster) as scheduler:
        _, rows = page(sim_cluster.leader_url())
        assert rows.tables["frameworks"][1:] == [
            [scheduler.framework_id, "mesos-lab", "active", "1"]
        ]
        assert rows.tables["tasks"][1:] == [
            ["nginx", "nginx", "TASK_RUNNING", "127.0.0.1", scheduler.framework_id]
        ]
        assert agent["id"] in rows.tables["agents"][1]


def test_names_from_frameworks_are_escaped(sim_cluster):
    name = "<script>alert(1)</script>&"
    with running_task(sim_cluster, name="web<b>", framework_name=name):
        response, rows = page(sim_cluster.leader_url())
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in response.text
    assert rows.scripts == 0
    assert rows.tables["frameworks"][1][1] == name
    assert rows.tables["tasks"][1][1] == "web<b>"


def test_other_methods_on_root_are_refused(sim_cluster):
    response = requests.post(sim_cluster.leader_url() + "/", timeout=5)
    assert response.status_code == 405


def test_a_master_that_is_not_leading_says_so_and_names_the_leader(
    sim_cluster_factory, zookeeper_server
):
    cluster = sim_cluster_factory(masters=2, agents=0, zookeeper=zookeeper_server)
    leader = cluster.leader_index()
    follower = cluster.masters[1 - leader]
    expected = f"Leader: 127.0.0.1:{cluster.masters[leader].port}"
    # The follower learns the leader from ZooKeeper shortly after the leader is elected.
    response, rows = wait_until(
        lambda: (r := page(follower.url)) and expected in r[0].text and r,
        timeout=10,
        what="the follower's page to name the leader",
    )
    assert response.status_code == 200
    assert "Not the leading master." in response.text
    assert rows.tables["agents"][1:] == [["No agents."]]
    leading, _ = page(cluster.masters[leader].url)
    assert "Not the leading master." not in leading.text
