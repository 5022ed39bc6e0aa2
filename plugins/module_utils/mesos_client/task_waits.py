"""Waiting on a subscribed session for what the engine needs: the first offer the task fits
(declining the rest), an update of one task reaching a state, the death of killed copies;
acknowledging the dead copies' last updates on the way."""

from __future__ import annotations

import time

from .errors import MesosError, MesosTimeout, TaskFailure
from .offers import OfferRejection, match_offer
from .task_copies import TERMINAL_STATES
from .task_spec import constraints_for, resource_request

DECLINE_SECONDS = 1.0  # short, so offers we pass over come back while we still wait


def _value(obj, key):
    return (obj.get(key) or {}).get("value")


def _decline_offers(session, event):
    ids = [offer["id"] for offer in event.offers]
    if ids:
        session.decline(ids, DECLINE_SECONDS)


def _ignore(session, event):
    """Events that need nothing from us while we wait (acknowledged by the session)."""


#: What to do with events that are not the one being waited for.
SKIPPED_EVENT_HANDLERS = {"OFFERS": _decline_offers}


def skip_handler(session):
    """``on_skip`` for SchedulerSession.wait_for, dispatching through the table above."""
    return lambda event: SKIPPED_EVENT_HANDLERS.get(event.type, _ignore)(session, event)


class OfferSearch:
    """Looks through OFFERS events for the first offer the task fits."""

    def __init__(self, params):
        self.spec = params["constraints"]
        self.request = resource_request(params)
        self.rejections = []

    def consider(self, session, offers):
        """The first OfferMatch among ``offers`` (the others are declined), or None."""
        match = None
        unused = []
        for offer in offers:
            if match is not None:
                unused.append(offer["id"])
                continue
            constraints = constraints_for(self.spec, offer.get("attributes", []))
            result = match_offer(offer, self.request, constraints)
            if isinstance(result, OfferRejection):
                self.rejections.append(
                    {
                        "offer_id": result.offer_id,
                        "hostname": result.hostname,
                        "reason": result.reason,
                    }
                )
                unused.append(offer["id"])
            else:
                match = result
        if unused:
            session.decline(unused, DECLINE_SECONDS)
        return match

    def find(self, session, timeout):
        """Wait up to ``timeout`` seconds for a fitting offer; TaskFailure if none comes."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = session.wait_for("OFFERS", remaining)
            except MesosTimeout:
                break
            match = self.consider(session, event.offers)
            if match is not None:
                return match
        raise TaskFailure(self.failure_message(timeout), offers=self.rejections)

    def failure_message(self, timeout):
        """Why no offer fit: one line per agent, with how many of its offers were refused and
        the last reason (the result's ``offers`` keeps every refusal)."""
        if not self.rejections:
            return (
                f"no offer arrived within offer_timeout={timeout:g}s: no agent registered, "
                "all resources in use, or none offered to this framework's role"
            )
        per_agent = {}
        for rejection in self.rejections:
            count, reasons = per_agent.get(rejection["hostname"], (0, {}))
            reasons.pop(rejection["reason"], None)  # keeps the last one last
            reasons[rejection["reason"]] = True
            per_agent[rejection["hostname"]] = (count + 1, reasons)
        lines = []
        for host, (count, reasons) in per_agent.items():
            others = f", {len(reasons)} reasons, the last shown" if len(reasons) > 1 else ""
            lines.append(f"{host or '?'}: {list(reasons)[-1]} ({count} offer(s){others})")
        return f"no offer matched within offer_timeout={timeout:g}s; offers seen: " + "; ".join(
            lines
        )


def wait_for_update(session, task_id, wanted, timeout, failing=TERMINAL_STATES):
    """Wait for an UPDATE of ``task_id`` reaching one of ``wanted``; return its status.

    An update reaching a state in ``failing`` (and not in ``wanted``) raises TaskFailure with
    Mesos's state, reason and message.
    """
    deadline = time.monotonic() + timeout
    last = {}
    on_skip = skip_handler(session)

    def ours(event):
        return _value(event.status, "task_id") == task_id

    while (remaining := deadline - time.monotonic()) > 0:
        try:
            event = session.wait_for("UPDATE", remaining, predicate=ours, on_skip=on_skip)
        except MesosTimeout:
            break
        last = event.status
        state = last.get("state")
        if state in wanted:
            return last
        if state in failing:
            raise TaskFailure(
                f"task {task_id} went {state}"
                + "".join(
                    f"; {key}: {last[key]}"
                    for key in ("reason", "source", "message")
                    if last.get(key)
                ),
                status=last,
            )
    where = f" (last state {last.get('state')})" if last else ""
    raise TaskFailure(
        f"task {task_id} did not reach {'/'.join(sorted(wanted))} within {timeout:g}s{where}",
        status=last,
    )


def settle(session, task_id, seconds):
    """Watch a running task for ``seconds``: a command that dies at once fails the module."""
    if seconds <= 0:
        return
    try:
        wait_for_update(session, task_id, frozenset(), seconds)
    except TaskFailure as exc:
        if exc.details.get("status", {}).get("state") in TERMINAL_STATES:
            raise
        # Still running when the time was up: that is what we wanted.


def acknowledge_leftovers(session, tasks):
    """Acknowledge the terminal update of every dead copy that still waits for one.

    Mesos keeps a terminal task (and refuses its id as a duplicate) until its last status
    update is acknowledged; the agent re-sends it only every few seconds. A copy lost and
    relaunched earlier leaves one such entry per copy, so every one is acknowledged.
    """
    for task in tasks:
        try:
            session.acknowledge(
                _value(task, "agent_id"), _value(task, "task_id"), task["status_update_uuid"]
            )
        except MesosError:
            continue  # already acknowledged (or its agent is gone): nothing is blocked by it


def wait_until_dead(session, task_ids, timeout):
    """Wait for a terminal UPDATE of every id in ``task_ids``; return ``{task_id: status}``.

    Ids still alive when ``timeout`` runs out are missing from the answer.
    """
    pending = set(task_ids)
    dead = {}
    deadline = time.monotonic() + timeout
    on_skip = skip_handler(session)

    def pending_update(event):
        return _value(event.status, "task_id") in pending

    while pending and (remaining := deadline - time.monotonic()) > 0:
        try:
            event = session.wait_for("UPDATE", remaining, pending_update, on_skip)
        except MesosTimeout:
            break
        if event.status.get("state") in TERMINAL_STATES:
            task_id = _value(event.status, "task_id")
            dead[task_id] = event.status
            pending.discard(task_id)
    return dead
