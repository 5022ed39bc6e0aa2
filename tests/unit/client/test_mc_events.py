"""Event parsing and the dispatch table."""

from __future__ import annotations

import pytest
from mesos_client.events import EVENT_TYPES, Event, EventDecodeError, EventDispatcher, parse_event


def test_parse_event_picks_the_type_specific_member() -> None:
    event = parse_event(b'{"type":"OFFERS","offers":{"offers":[{"id":{"value":"o1"}}]}}')
    assert event.type == "OFFERS"
    assert event.offers == [{"id": {"value": "o1"}}]
    assert event.status == {}


def test_update_status_and_multi_word_types() -> None:
    update = parse_event(b'{"type":"UPDATE","update":{"status":{"state":"TASK_RUNNING"}}}')
    assert update.status == {"state": "TASK_RUNNING"}
    rescind = parse_event(
        b'{"type":"RESCIND_INVERSE_OFFER","rescind_inverse_offer":{"inverse_offer_id":{}}}'
    )
    assert rescind.body == {"inverse_offer_id": {}}


def test_event_without_body_has_empty_body() -> None:
    assert parse_event(b'{"type":"HEARTBEAT"}') == Event("HEARTBEAT", {}, {"type": "HEARTBEAT"})


@pytest.mark.parametrize("record", [b"not json", b"[]", b'{"no_type":1}', b'{"type":5}'])
def test_bad_records_raise_decode_error(record: bytes) -> None:
    with pytest.raises(EventDecodeError):
        parse_event(record)


def test_dispatch_uses_the_table_and_the_fallback_for_the_rest() -> None:
    seen: list[tuple[str, str]] = []
    dispatcher = EventDispatcher(
        {"HEARTBEAT": lambda e: seen.append(("hb", e.type))},
        fallback=lambda e: seen.append(("other", e.type)),
    )
    for event_type in (*EVENT_TYPES, "SOMETHING_NEWER"):
        dispatcher.dispatch(Event(event_type))
    assert seen.count(("hb", "HEARTBEAT")) == 1
    assert ("other", "SOMETHING_NEWER") in seen
    assert len(seen) == len(EVENT_TYPES) + 1
