"""A framework that fails over gets its unacknowledged status updates at once (both kinds).

Mesos's master tells every agent about a re-subscribed framework (UpdateFrameworkMessage)
and the agent's status update manager re-sends the pending updates right then, not at its
next retry (real Mesos: 10 s after the first send, then backing off).
"""

from __future__ import annotations

import time

from mesos_client import OfferMatch, ResourceRequest, command_task, match_offer

# The simulated agent's own retry is pushed out of reach; real Mesos's first one is 10 s.
SIM_NO_RETRY = {"sim_status_update_retry_interval": "600"}
REAL_FIRST_RETRY = 10.0


def test_a_failed_over_framework_gets_its_unacknowledged_update_at_once(
    mesos_kind, mesos_factory, session_factory
):
    cluster = mesos_factory(mesos_kind, agent_flags=SIM_NO_RETRY if mesos_kind == "sim" else {})
    first = session_factory(cluster.master_url(), auto_acknowledge=False)
    framework_id = first.subscribe(timeout=15).framework_id
    offer = first.wait_for("OFFERS", 15).offers[0]
    match = match_offer(offer, ResourceRequest(cpus=0.1, mem=32), [])
    assert isinstance(match, OfferMatch), match
    task = command_task(match, "held", "exec sleep 120")
    task_id = task["task_id"]["value"]
    first.launch([offer["id"]], [task], filters=1)

    def ours(event) -> bool:
        return event.status["task_id"]["value"] == task_id

    held = first.wait_for("UPDATE", 30, ours).status
    sent = time.monotonic()
    assert held.get("uuid"), held
    first.close()  # the update stays unacknowledged; the framework stays (failover_timeout)

    second = session_factory(
        cluster.master_url(), framework_id=framework_id, auto_acknowledge=False
    )
    second.subscribe(timeout=15)
    # Before the agent's own first retry could have sent it (real: 10 s after `sent`).
    window = REAL_FIRST_RETRY - 1.0 - (time.monotonic() - sent)
    assert window > 2, "the re-subscription took too long to tell the two apart"
    again = second.wait_for("UPDATE", window, ours).status
    assert (again["state"], again["uuid"]) == (held["state"], held["uuid"])
    second.acknowledge(again["agent_id"]["value"], task_id, again["uuid"])
    second.kill(task_id, again["agent_id"]["value"])
