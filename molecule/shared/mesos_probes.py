"""Mesos-specific probes for the scenarios' verifiers (controller side): default, trixie.

Every request goes to a lab address checked by ``lab.network.require_lab_address`` and has a
timeout; every wait is bounded.
"""

from __future__ import annotations

from typing import Any

import requests

from lab.network import require_lab_address

MASTER_PORT = 5050
AGENT_PORT = 5051
HTTP_TIMEOUT = 5.0


def http_get(address: str, port: int, path: str) -> requests.Response:
    """GET ``http://address:port/path`` (no redirects followed)."""
    require_lab_address(address)
    return requests.get(
        f"http://{address}:{port}{path}", timeout=HTTP_TIMEOUT, allow_redirects=False
    )


def operator_call(address: str, call_type: str, port: int = MASTER_PORT) -> dict[str, Any]:
    """POST one v1 operator call (e.g. GET_AGENTS) to the master and return its JSON answer.

    A 307 from a non-leading master is followed once, to the leader it names.
    """
    require_lab_address(address)
    url = f"http://{address}:{port}/api/v1"
    for _ in range(2):
        response = requests.post(
            url,
            json={"type": call_type},
            headers={"Accept": "application/json"},
            timeout=HTTP_TIMEOUT,
            allow_redirects=False,
        )
        if response.status_code == 307:
            location = response.headers["Location"]
            leader = location.split("//", 1)[1].split("/", 1)[0]
            require_lab_address(leader.split(":")[0])
            url = f"http://{leader}/api/v1"
            continue
        response.raise_for_status()
        return response.json()
    raise AssertionError(f"{call_type}: redirected more than once")


def active_agents(master: str, hostname: str) -> list[dict[str, Any]]:
    """The active agents the master lists with this hostname (GET_AGENTS entries)."""
    agents = operator_call(master, "GET_AGENTS")["get_agents"].get("agents", [])
    return [a for a in agents if a.get("active") and a["agent_info"]["hostname"] == hostname]


def attribute_text(attribute: dict[str, Any]) -> str:
    """One Mesos attribute as the agent flag writes it (``rack:r2d2``)."""
    kind = attribute["type"]
    if kind == "TEXT":
        value = attribute["text"]["value"]
    elif kind == "SCALAR":
        value = f"{attribute['scalar']['value']:g}"
    elif kind == "RANGES":
        ranges = attribute["ranges"]["range"]
        value = "[" + ",".join(f"{r['begin']}-{r['end']}" for r in ranges) + "]"
    else:
        value = "{" + ",".join(attribute["set"]["item"]) + "}"
    return f"{attribute['name']}:{value}"


def attributes_text(agent: dict[str, Any]) -> str:
    """All of an agent's attributes, in the order it reports them: ``rack:r2d2;pod:demo,dev``."""
    return ";".join(attribute_text(a) for a in agent["agent_info"].get("attributes", []))


def resources_by_name(agent: dict[str, Any]) -> dict[str, Any]:
    """``{"cpus": 2.0, "ports": [(31000, 32000)], ...}`` from the agent's registered resources."""
    result: dict[str, Any] = {}
    for resource in agent["agent_info"].get("resources", []):
        if resource["type"] == "SCALAR":
            result[resource["name"]] = resource["scalar"]["value"]
        elif resource["type"] == "RANGES":
            result[resource["name"]] = [(r["begin"], r["end"]) for r in resource["ranges"]["range"]]
    return result


def main_pid_cmdline(host: Any, unit: str) -> list[str]:
    """argv of a unit's main process (shows what mesos-init-wrapper made of the files)."""
    pid = int(host.check_output(f"systemctl show --property=MainPID --value {unit}"))
    assert pid > 0, f"{unit} has no main process"
    return host.file(f"/proc/{pid}/cmdline").content_string.rstrip("\0").split("\0")
