"""An agent work dir used by one Mesos is taken over by the other as a new agent.

Switching a lab host's flavor (``make lab``, then ``make lab MESOS_DEB=...``, or back) starts
the other agent on the same ``--work_dir``. Real Mesos reads ``meta/slaves/latest/slave.info``
as a length-prefixed protobuf and exits on anything else, so the simulator must not write its
own checkpoint under that name; each must start, register and run on what the other left.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from mesos_sim.agent.checkpoint import INFO_FILE, load_agent_id
from tests.support.mesos_fixtures import start_cluster


def _registered_agent_id(kind: str, base_dir: Path) -> str:
    cluster = start_cluster(kind, base_dir=base_dir)
    try:
        state = cluster.wait_for_agents(timeout=60)
        assert [agent["active"] for agent in state["slaves"]] == [True]
        return state["slaves"][0]["id"]
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        cluster.stop()


@pytest.mark.parametrize(("first", "then"), [("sim", "real"), ("real", "sim")])
def test_the_other_mesos_starts_on_the_work_dir_as_a_new_agent(first: str, then: str) -> None:
    with tempfile.TemporaryDirectory(prefix="mesos-handover-") as directory:
        base_dir = Path(directory)
        before = _registered_agent_id(first, base_dir)
        assert (base_dir / "agent0" / "meta" / "slaves" / "latest").is_symlink()
        after = _registered_agent_id(then, base_dir)
        assert after != before


def _legacy_work_dir(root: Path, content: bytes) -> Path:
    agent_dir = root / "meta" / "slaves" / "S0"
    agent_dir.mkdir(parents=True)
    (agent_dir / "slave.info").write_bytes(content)
    (root / "meta" / "slaves" / "latest").symlink_to("S0")
    return agent_dir


def test_an_earlier_simulators_json_slave_info_is_adopted(tmp_path: Path) -> None:
    info = {"hostname": "127.0.0.1", "port": 5051}
    agent_dir = _legacy_work_dir(
        tmp_path, json.dumps({"agent_id": "S0", "agent_info": info}).encode()
    )
    assert load_agent_id(str(tmp_path), info) == "S0"
    assert not (agent_dir / "slave.info").exists()  # real Mesos would exit on it
    assert (agent_dir / INFO_FILE).is_file()


def test_real_mesoss_protobuf_slave_info_is_left_alone(tmp_path: Path) -> None:
    protobuf = b"\x2a\x00\x00\x00\n\x09127.0.0.1\x10\xbb\x27"
    agent_dir = _legacy_work_dir(tmp_path, protobuf)
    assert load_agent_id(str(tmp_path), {"hostname": "127.0.0.1"}) is None
    assert (agent_dir / "slave.info").read_bytes() == protobuf
