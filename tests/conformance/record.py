"""One conformance step's record, and the diff of two records of the same step."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .shapes import normalise_text, shape_paths

# Response headers compared by value (others vary or do not matter to clients).
HEADERS_BY_VALUE = ["Content-Type", "Allow", "WWW-Authenticate", "Transfer-Encoding"]
# Response headers compared by presence only (their values are ids or addresses).
HEADERS_PRESENT = ["Mesos-Stream-Id", "Location"]


@dataclass
class Step:
    """What one request (or one event wait) showed."""

    name: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # normalised text of a non-JSON body
    events: list[str] = field(default_factory=list)  # event types, in order
    shape: dict[str, str] = field(default_factory=dict)  # field path -> JSON type
    facts: dict[str, object] = field(default_factory=dict)  # values compared exactly

    def take_response(self, response: object, body: bool = True) -> None:
        """Status, headers and JSON shape (or normalised text) of a requests.Response."""
        self.status = response.status_code  # type: ignore[attr-defined]
        headers = response.headers  # type: ignore[attr-defined]
        for name in HEADERS_BY_VALUE:
            if name in headers:
                self.headers[name] = headers[name]
        for name in HEADERS_PRESENT:
            if name in headers:
                self.headers[name] = "<present>"
        if not body:
            return
        text = response.text  # type: ignore[attr-defined]
        if headers.get("Content-Type", "").startswith("application/json") and text:
            self.take_json(json.loads(text))
        else:
            self.body = normalise_text(text)

    def take_json(self, doc: object, prefix: str = "") -> None:
        for path, kind in shape_paths(doc).items():
            self.shape[f"{prefix}{path}"] = kind


def diff(real: Step, sim: Step) -> list[str]:
    """Differences of the sim's record from real Mesos's, one line each (``step: what``)."""
    lines: list[str] = []

    def add(what: str) -> None:
        lines.append(f"{real.name}: {what}")

    if real.status != sim.status:
        add(f"status real {real.status} sim {sim.status}")
    for name in sorted(set(real.headers) | set(sim.headers)):
        if real.headers.get(name) != sim.headers.get(name):
            add(f"header {name} real {real.headers.get(name)!r} sim {sim.headers.get(name)!r}")
    if real.body != sim.body:
        add(f"body real {real.body!r} sim {sim.body!r}")
    if real.events != sim.events:
        add(f"events real {real.events} sim {sim.events}")
    for path in sorted(set(real.shape) | set(sim.shape)):
        mine, theirs = sim.shape.get(path), real.shape.get(path)
        if theirs is None:
            add(f"field {path} only in sim")
        elif mine is None:
            add(f"field {path} only in real")
        elif mine != theirs and "null" not in (mine, theirs):
            add(f"field {path} type real {theirs} sim {mine}")
    for key in sorted(set(real.facts) | set(sim.facts)):
        if real.facts.get(key) != sim.facts.get(key):
            add(f"fact {key} real {real.facts.get(key)!r} sim {sim.facts.get(key)!r}")
    return lines
