"""Small helpers shared by the client tests (waiting on task states, raw HTTP)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from mesos_client import Event, SchedulerSession

TERMINAL = {
    "TASK_FINISHED",
    "TASK_FAILED",
    "TASK_KILLED",
    "TASK_LOST",
    "TASK_ERROR",
    "TASK_DROPPED",
    "TASK_GONE",
    "TASK_UNKNOWN",
}


def wait_task_state(session: SchedulerSession, task_id: str, state: str, timeout: float) -> Event:
    """The first UPDATE for ``task_id`` in ``state`` or in a terminal state; assert it is
    ``state`` (the failure message shows the status Mesos sent)."""
    event = session.wait_for(
        "UPDATE",
        timeout,
        lambda e: (
            e.status["task_id"]["value"] == task_id
            and (e.status["state"] == state or e.status["state"] in TERMINAL)
        ),
    )
    assert event.status["state"] == state, event.status
    return event


def raw_post(url: str, body: dict, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    """POST JSON with the stdlib (no redirects followed); return status, headers, body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            **(headers or {}),
        },
        method="POST",
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read(4096).decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode(errors="replace")
