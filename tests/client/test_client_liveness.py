"""Heartbeat watchdog: a silent stream is detected and the session re-subscribes."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest
from mesos_client import MesosTimeout, SessionLost

from tests.support.wait import wait_until


@contextlib.contextmanager
def stopped(process, seconds: float):
    """SIGSTOP ``process`` for ``seconds`` (always SIGCONT, even on failure)."""
    os.kill(process.process.pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
        yield
    finally:
        os.kill(process.process.pid, signal.SIGCONT)


def test_silent_stream_triggers_resubscribe_with_the_same_framework_id(
    sim_cluster, session_factory
):
    session = session_factory(sim_cluster.master_url(), heartbeat_misses=3, reconnect_timeout=60)
    first = session.subscribe(timeout=15)  # heartbeats every 0.5 s: dead after 1.5 s silence
    with stopped(sim_cluster.masters[0], 3.0):
        pass
    wait_until(lambda: session.subscriptions >= 2, 30, 0.1, "re-subscription after silence")
    assert session.framework_id == first.framework_id
    assert session.stream_id != first.stream_id
    session.revive()


def test_silence_past_the_reconnect_deadline_raises_session_lost(sim_cluster, session_factory):
    session = session_factory(sim_cluster.master_url(), heartbeat_misses=2, reconnect_timeout=2)
    session.subscribe(timeout=15)
    with stopped(sim_cluster.masters[0], 6.0):
        with pytest.raises(SessionLost, match="not re-established within 2s"):
            deadline = time.monotonic() + 5.5
            while time.monotonic() < deadline:
                with contextlib.suppress(MesosTimeout):
                    session.next_event(0.5)
    with pytest.raises(SessionLost):
        session.revive()
