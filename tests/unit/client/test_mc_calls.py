"""Call bodies and FrameworkInfo, checked against scheduler.proto field names."""

from __future__ import annotations

import base64
import uuid

import pytest
from mesos_client import calls
from mesos_client.framework import FrameworkInfo


def test_framework_info_has_roles_capabilities_failover_and_principal() -> None:
    info = FrameworkInfo(
        user="root", name="demo", failover_timeout=3600, principal="ops", labels={"a": "b"}
    )
    body = info.to_json()
    assert body["user"] == "root" and body["name"] == "demo"
    assert body["roles"] == ["*"]
    assert {"type": "MULTI_ROLE"} in body["capabilities"]
    assert body["failover_timeout"] == 3600
    assert body["principal"] == "ops"
    assert body["labels"] == {"labels": [{"key": "a", "value": "b"}]}
    assert "id" not in body
    assert info.to_json("fw-1")["id"] == {"value": "fw-1"}


def test_framework_info_does_not_repeat_capabilities() -> None:
    info = FrameworkInfo(user="u", name="n", capabilities=["MULTI_ROLE", "PARTITION_AWARE"])
    assert info.to_json()["capabilities"] == [{"type": "MULTI_ROLE"}, {"type": "PARTITION_AWARE"}]


@pytest.mark.parametrize(
    "kwargs", [{"user": "", "name": "n"}, {"user": "u", "name": "n", "failover_timeout": -1}]
)
def test_framework_info_rejects_bad_values(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        FrameworkInfo(**kwargs)


def test_subscribe_carries_framework_info() -> None:
    call_type, payload = calls.subscribe(FrameworkInfo(user="u", name="n"), "fw")
    assert call_type == "SUBSCRIBE"
    assert payload["framework_info"]["id"] == {"value": "fw"}


def test_accept_with_launch_and_filters() -> None:
    task = {"name": "t"}
    call_type, payload = calls.accept(["o1", {"value": "o2"}], [calls.launch_operation([task])], 7)
    assert call_type == "ACCEPT"
    assert payload == {
        "offer_ids": [{"value": "o1"}, {"value": "o2"}],
        "operations": [{"type": "LAUNCH", "launch": {"task_infos": [task]}}],
        "filters": {"refuse_seconds": 7.0},
    }


def test_launch_group_operation_shape() -> None:
    op = calls.launch_group_operation({"executor_id": {"value": "e"}}, [{"name": "t"}])
    assert op["type"] == "LAUNCH_GROUP"
    assert op["launch_group"]["task_group"] == {"tasks": [{"name": "t"}]}


def test_decline_filters_default_absent_and_mapping_passed_through() -> None:
    assert calls.decline(["o"]) == ("DECLINE", {"offer_ids": [{"value": "o"}]})
    assert calls.decline(["o"], {"refuse_seconds": 60})[1]["filters"] == {"refuse_seconds": 60}


@pytest.mark.parametrize("bad", [[], [""], [{"v": 1}], [5]])
def test_offer_ids_are_validated(bad: list) -> None:
    with pytest.raises(ValueError):
        calls.decline(bad)


def test_kill_reconcile_revive_suppress_shutdown() -> None:
    assert calls.kill("t", "a") == ("KILL", {"task_id": {"value": "t"}, "agent_id": {"value": "a"}})
    assert calls.reconcile() == ("RECONCILE", {"tasks": []})
    assert calls.reconcile([("t", None)])[1] == {"tasks": [{"task_id": {"value": "t"}}]}
    assert calls.revive() == ("REVIVE", None)
    assert calls.suppress(["web"]) == ("SUPPRESS", {"roles": ["web"]})
    assert calls.shutdown("e", "a")[1] == {
        "executor_id": {"value": "e"},
        "agent_id": {"value": "a"},
    }
    assert calls.teardown() == ("TEARDOWN", None)


def test_inverse_offers_message_request() -> None:
    assert calls.accept_inverse_offers(["i"])[1] == {"inverse_offer_ids": [{"value": "i"}]}
    assert calls.decline_inverse_offers(["i"], 3)[1]["filters"] == {"refuse_seconds": 3.0}
    assert calls.message("a", "e", b"\x00hi")[1]["data"] == base64.b64encode(b"\x00hi").decode()
    assert calls.request([{"agent_id": {"value": "a"}}])[0] == "REQUEST"


def test_every_call_type_has_a_builder() -> None:
    builders = {name.upper() for name in dir(calls) if not name.startswith("_")}
    assert set(calls.CALL_TYPES) <= builders


def test_acknowledge_only_for_updates_with_uuid() -> None:
    status_uuid = base64.b64encode(uuid.uuid4().bytes).decode()
    with_uuid = {
        "task_id": {"value": "t"},
        "agent_id": {"value": "a"},
        "state": "TASK_RUNNING",
        "uuid": status_uuid,
    }
    call_type, payload = calls.update_acknowledgement(with_uuid)
    assert call_type == "ACKNOWLEDGE"
    assert payload == {"agent_id": {"value": "a"}, "task_id": {"value": "t"}, "uuid": status_uuid}
    without = {"task_id": {"value": "t"}, "state": "TASK_LOST", "reason": "REASON_RECONCILIATION"}
    assert calls.update_acknowledgement(without) is None


def test_acknowledge_rejects_non_base64_uuid() -> None:
    with pytest.raises(ValueError, match="base64"):
        calls.acknowledge("a", "t", "not base64 !")
