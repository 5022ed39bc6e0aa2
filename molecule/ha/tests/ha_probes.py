"""Controller-side probes for the `ha` scenario: Mesos over HTTPS with the lab CA.

Every request goes to an address checked by ``lab.network.require_lab_address`` and has a
timeout; every wait is bounded. ``ca`` is the path of the CA bundle to verify with, or
``None`` for plain http (the scenario with TLS off).

The addresses come from the scenario's inventory, or from the one ``HA_INVENTORY`` names (an
inventory directory such as ``inventories/local-ha``): the same checks then verify the HA lab
that ``make lab INVENTORY=inventories/local-ha`` built, with either flavor.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import requests
import yaml

from lab.network import require_lab_address

INVENTORY = Path(
    os.environ.get("HA_INVENTORY") or Path(__file__).resolve().parents[1] / "inventory"
)


def _group_hosts(group: str) -> dict[str, dict]:
    listing = yaml.safe_load((INVENTORY / "hosts.yml").read_text(encoding="utf-8"))
    return listing["all"]["children"][group]["hosts"]


def _attributes_text(attributes: dict[str, str]) -> str:
    return ";".join(f"{name}:{value}" for name, value in attributes.items())


MASTERS = tuple(host["ansible_host"] for host in _group_hosts("mesos_masters").values())
# agent address -> its --attributes, as the master reports them.
AGENTS = {
    host["ansible_host"]: _attributes_text(host["mesos_agent_attributes"])
    for host in _group_hosts("mesos_agents").values()
}
MASTER_PORT = 5050
AGENT_PORT = 5051
ZOOKEEPER_PORT = 2181
HTTP_TIMEOUT = 5.0
TLS_DIR = "/etc/mesos/ssl"


def controller_tls_dir() -> Path:
    """Where the roles keep the lab CA on the controller: .mesos-tls next to the inventory.

    Molecule runs the playbooks with its own copy of the scenario inventory, under the
    scenario's ephemeral directory.
    """
    ephemeral = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY")
    if not ephemeral:
        raise RuntimeError("run through `molecule verify` (MOLECULE_EPHEMERAL_DIRECTORY is unset)")
    return Path(ephemeral) / "inventory" / ".mesos-tls"


def url(address: str, port: int, path: str, ca: str | None) -> str:
    """``https://`` when verifying with a CA, else ``http://``, after the lab-address check."""
    require_lab_address(address)
    return f"{'https' if ca else 'http'}://{address}:{port}{path}"


def get(address: str, port: int, path: str, ca: str | None, **kwargs: Any) -> requests.Response:
    """GET one endpoint, no redirects followed; ``verify`` is the CA unless given."""
    kwargs.setdefault("verify", ca if ca else True)
    return requests.get(
        url(address, port, path, ca), timeout=HTTP_TIMEOUT, allow_redirects=False, **kwargs
    )


def post_call(address: str, path: str, body: dict, ca: str | None) -> requests.Response:
    """POST a JSON call to a master (no redirects followed); the response is closed."""
    with requests.post(
        url(address, MASTER_PORT, path, ca),
        json=body,
        headers={"Accept": "application/json"},
        timeout=HTTP_TIMEOUT,
        allow_redirects=False,
        verify=ca if ca else True,
        stream=True,
    ) as response:
        if response.status_code != 200 or path != "/api/v1/scheduler":
            response.content  # noqa: B018 - read the (small) body before the stream closes
        return response


def redirect_target(response: requests.Response) -> str:
    """The ``host:port`` a 307 names; Mesos writes a protocol-relative ``//host:port/...``."""
    location = response.headers["Location"]
    assert location.startswith("//"), f"not protocol-relative: {location}"
    return location[2:].split("/", 1)[0]


def operator_call(call_type: str, ca: str | None, master: str = MASTERS[0]) -> dict[str, Any]:
    """One v1 operator call, sent to ``master`` and to the leader it redirects to (once)."""
    response = post_call(master, "/api/v1", {"type": call_type}, ca)
    if response.status_code == 307:
        leader = redirect_target(response).split(":")[0]
        response = post_call(leader, "/api/v1", {"type": call_type}, ca)
    response.raise_for_status()
    return response.json()


def active_agents(ca: str | None) -> list[dict[str, Any]]:
    """GET_AGENTS entries of the active agents, from the leading master."""
    agents = operator_call("GET_AGENTS", ca)["get_agents"].get("agents", [])
    return [agent for agent in agents if agent.get("active")]


def attributes_text(agent: dict[str, Any]) -> str:
    """An agent's TEXT attributes as its flag writes them: ``rack:r2d2;pod:demo,dev``."""
    return ";".join(
        f"{a['name']}:{a['text']['value']}" for a in agent["agent_info"].get("attributes", [])
    )


def running_tasks(name: str, ca: str | None) -> list[dict[str, Any]]:
    """The tasks called ``name`` the leading master knows as TASK_RUNNING."""
    tasks = operator_call("GET_TASKS", ca)["get_tasks"].get("tasks", [])
    return [task for task in tasks if task["name"] == name and task["state"] == "TASK_RUNNING"]
