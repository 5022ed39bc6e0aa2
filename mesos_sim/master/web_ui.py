"""GET / on the master: a small server-rendered page of mesos_sim's own.

Real Mesos serves its AngularJS web UI at ``/``; the simulator does not imitate it. This page
says plainly that it is the simulator and lists what ``/master/state`` holds: agents (id,
hostname, attributes), frameworks and tasks (name, state, agent). One HTML document, no
scripts, no external assets.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from typing import TYPE_CHECKING

from aiohttp import web

from . import render

if TYPE_CHECKING:
    from .state import MasterState

STYLE = (
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    ".banner{background:#fff3cd;border:1px solid #e0c36b;padding:.6em 1em;margin-bottom:1em}"
    "table{border-collapse:collapse;margin-bottom:1.5em}"
    "th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}"
    "th{background:#eee}dt{font-weight:bold;float:left;width:7em}dd{margin-left:8em}"
)


def attributes_text(attributes: dict) -> str:
    """``{"rack": "r2d2", "pod": "demo,dev"}`` as Mesos's flag syntax ``rack:r2d2;pod:demo,dev``."""
    return ";".join(f"{name}:{value}" for name, value in attributes.items())


def _table(table_id: str, headers: list[str], rows: list[list[str]], empty: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    if not rows:
        body = f'<tr><td colspan="{len(headers)}">{escape(empty)}</td></tr>'
    else:
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
            for row in rows
        )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _task_rows(state: dict) -> list[list[str]]:
    hostnames = {agent["id"]: agent["hostname"] for agent in state.get("slaves", [])}
    rows = []
    for framework in state.get("frameworks", []) + state.get("completed_frameworks", []):
        for key in ("tasks", "unreachable_tasks", "completed_tasks"):
            for task in framework.get(key, []):
                agent = hostnames.get(task["slave_id"], task["slave_id"])
                rows.append([task["id"], task["name"], task["state"], agent, framework["id"]])
    return rows


def index_page(state: dict, is_leader: bool) -> str:
    """The HTML page for a ``/master/state`` document."""
    leader = state.get("leader_info") or {}
    leader_address = leader.get("address", {})
    leader_text = (
        f"{leader_address.get('hostname')}:{leader_address.get('port')}" if leader else "none"
    )
    agents = [
        [a["id"], a["hostname"], attributes_text(a.get("attributes", {})), str(a["active"]).lower()]
        for a in state.get("slaves", [])
    ]
    frameworks = [
        [f["id"], f["name"], "active" if f["active"] else "inactive", str(len(f["tasks"]))]
        for f in state.get("frameworks", [])
    ] + [[f["id"], f["name"], "completed", "0"] for f in state.get("completed_frameworks", [])]
    notice = (
        "" if is_leader else f"<p><b>Not the leading master.</b> Leader: {escape(leader_text)}</p>"
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>mesos_sim master (simulator) {escape(state['hostname'])}</title>"
        f"<style>{STYLE}</style></head><body>"
        "<div class='banner'><b>mesos_sim</b>: the mesos-lab simulator of Apache Mesos "
        f"{escape(state['version'])}, not Apache Mesos. Build: {escape(state['build_user'])}.</div>"
        f"<h1>mesos_sim master {escape(state['hostname'])}</h1>{notice}"
        f"<dl><dt>Master</dt><dd>{escape(state['id'])}</dd>"
        f"<dt>PID</dt><dd>{escape(state['pid'])}</dd>"
        f"<dt>Leader</dt><dd>{escape(leader_text)}</dd>"
        f"<dt>Version</dt><dd>{escape(state['version'])}</dd></dl>"
        "<h2>Agents</h2>"
        + _table("agents", ["ID", "Hostname", "Attributes", "Active"], agents, "No agents.")
        + "<h2>Frameworks</h2>"
        + _table(
            "frameworks", ["ID", "Name", "Status", "Active tasks"], frameworks, "No frameworks."
        )
        + "<h2>Tasks</h2>"
        + _table(
            "tasks", ["ID", "Name", "State", "Agent", "Framework"], _task_rows(state), "No tasks."
        )
        + "</body></html>"
    )


def handler(state: MasterState) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The aiohttp handler of ``GET /`` for this master."""

    async def index(request: web.Request) -> web.Response:
        page = index_page(render.master_state_v0(state), state.is_leader)
        return web.Response(text=page, content_type="text/html")

    return index
