"""The agent's checkpointed identity under ``<work_dir>/meta/slaves/``: ``latest`` points at
``<agent id>/``; a restart with different resources or attributes is refused like Mesos's
default ``--reconfiguration_policy=equal``.

The info is JSON in ``sim-slave.info.json``, not in Mesos's ``slave.info`` (a length-prefixed
protobuf that real Mesos exits on when it cannot parse it). Either Mesos then starts as a new
agent on a work dir the other used: real Mesos finds no ``slave.info`` under ``latest``, the
simulator no JSON file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..jsonparse import parse_json_body

INFO_FILE = "sim-slave.info.json"
LEGACY_INFO_FILE = "slave.info"  # where earlier simulator builds wrote their JSON


def _adopt_legacy_info(legacy: Path, info_file: Path) -> None:
    """Move an older simulator's JSON ``slave.info`` to ``INFO_FILE`` (keeping the agent id
    over an upgrade); a protobuf one, real Mesos's, is left where it is."""
    if info_file.exists() or not legacy.is_file():
        return
    try:
        saved = parse_json_body(legacy.read_bytes())
    except (OSError, ValueError):
        return
    if isinstance(saved, dict) and "agent_id" in saved:
        os.replace(legacy, info_file)


class IncompatibleAgentInfo(RuntimeError):
    """The agent's configuration changed since its info was checkpointed."""


def _meta(work_dir: str) -> Path:
    return Path(work_dir) / "meta" / "slaves"


def load_agent_id(work_dir: str, agent_info: dict) -> str | None:
    """The checkpointed agent id, if its info equals ``agent_info``; raises otherwise."""
    latest = _meta(work_dir) / "latest"
    info_file = latest / INFO_FILE
    _adopt_legacy_info(latest / LEGACY_INFO_FILE, info_file)
    if not info_file.exists():
        return None
    try:
        saved = parse_json_body(info_file.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict):
        return None
    previous = saved.get("agent_info", {})
    if previous != agent_info:
        raise IncompatibleAgentInfo(
            "Failed to perform recovery: Incompatible agent info detected. \n\n"
            "------------------------------------------------------------\n"
            f"Old agent info:\n{json.dumps(previous, sort_keys=True)}\n\n"
            "------------------------------------------------------------\n"
            f"New agent info:\n{json.dumps(agent_info, sort_keys=True)}\n\n"
            "------------------------------------------------------------\n"
            "If recovery failed due to a change in configuration and you want to\n"
            "keep the current agent id, you might want to change the\n"
            "`--reconfiguration_policy` flag to a more permissive value.\n\n"
            "To restart this agent with a new agent id instead, do as follows:\n"
            f"rm -f {latest}\n"
            "This ensures that the agent does not recover old live executors.\n\n"
            "Finally, restart the agent."
        )
    return saved.get("agent_id")


def save_agent_id(work_dir: str, agent_id: str, agent_info: dict) -> None:
    """Checkpoint the id the master gave us with the info we registered."""
    meta = _meta(work_dir)
    target = meta / agent_id
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / f"{INFO_FILE}.tmp"
    tmp.write_text(json.dumps({"agent_id": agent_id, "agent_info": agent_info}))
    os.replace(tmp, target / INFO_FILE)
    latest = meta / "latest"
    tmp_link = meta / "latest.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(agent_id)
    os.replace(tmp_link, latest)
