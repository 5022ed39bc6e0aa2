"""OperatorClient against a mesos_sim master: every call it offers."""

from __future__ import annotations

import pytest
from mesos_client import CallRejected, OperatorClient


def test_read_calls(clean_mesos, session_factory):
    mesos = clean_mesos
    session = session_factory(mesos.master_url())
    framework_id = session.subscribe(timeout=15).framework_id
    with OperatorClient(mesos.master_url()) as operator:
        assert operator.get_health() is True
        assert "version" in operator.get_version()
        master = operator.get_master()["master_info"]
        assert master["port"] == mesos.masters[0].port
        agents = operator.get_agents()
        assert len(agents) == 1
        attributes = {a["name"]: a for a in agents[0]["agent_info"]["attributes"]}
        assert attributes["rack"]["text"]["value"] == "r2d2"
        assert attributes["pod"]["text"]["value"] == "demo,dev"
        frameworks = operator.get_frameworks()
        assert [f["framework_info"]["id"]["value"] for f in frameworks] == [framework_id]
        state = operator.get_state()
        assert {"get_tasks", "get_frameworks", "get_agents"} <= set(state)
        assert operator.get_tasks() == []
        assert operator.leader_url == mesos.master_url()


def test_teardown_of_an_unknown_framework_is_rejected(mesos):
    with OperatorClient(mesos.master_url()) as operator:
        with pytest.raises(CallRejected) as info:
            operator.teardown("no-such-framework")
    assert info.value.status == 400
    assert info.value.call_type == "TEARDOWN"


def test_unknown_call_type_is_rejected(mesos):
    with OperatorClient(mesos.master_url()) as operator:
        with pytest.raises(CallRejected) as info:
            operator.call("NOT_A_CALL")
    assert info.value.status == 400
