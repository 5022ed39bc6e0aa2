# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Choosing offers: attribute constraints, scalar resources and ports, without I/O.

Constraints compare an agent attribute by its Mesos type:

* TEXT ``rack:r2d2`` (or ``rack==r2d2``) is string equality; ``pod~dev`` (or
  ``pod contains dev``) is membership in the comma-separated list ``demo,dev``;
* SCALAR compares numerically (``cores>=4``, ``gen:2`` equals 2.0);
* SET ``zone~a`` tests membership (``zone~a,b``: all of them), ``zone:{a,b}`` equality;
* RANGES ``slots~5`` or ``slots~5-7`` tests containment in one offered range.

Every offer that does not fit gets a :class:`OfferRejection` saying why, so a caller can
explain a failure ("rack is r2d2, wanted r2d3") instead of just timing out.
"""

from __future__ import annotations

import copy
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Resource = dict[str, Any]

_OPERATORS = {
    ":": "EQ",
    "==": "EQ",
    "!=": "NE",
    "~": "CONTAINS",
    "contains": "CONTAINS",
    "<": "LT",
    "<=": "LE",
    ">": "GT",
    ">=": "GE",
}
_CONSTRAINT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9_.\-/]+)\s*"
    r"(?P<op>==|!=|<=|>=|<|>|:|~|\s(?i:contains)\s)\s*(?P<value>\S.*?)\s*$"
)
_NUMERIC = {
    "EQ": operator.eq,
    "NE": operator.ne,
    "LT": operator.lt,
    "LE": operator.le,
    "GT": operator.gt,
    "GE": operator.ge,
}


@dataclass(frozen=True)
class Constraint:
    """``attribute OPERATOR value``; OPERATOR is EQ, NE, CONTAINS, LT, LE, GT or GE."""

    attribute: str
    operator: str
    value: str

    def __post_init__(self) -> None:
        if self.operator not in _NUMERIC and self.operator != "CONTAINS":
            raise ValueError(f"unknown constraint operator {self.operator!r}")

    @classmethod
    def parse(cls, spec: str | Sequence[str] | Constraint) -> Constraint:
        """From ``"rack:r2d2"``, ``"pod~dev"``, ``"cores>=4"`` or ``("pod", "CONTAINS", "dev")``."""
        if isinstance(spec, Constraint):
            return spec
        if isinstance(spec, str):
            found = _CONSTRAINT.match(spec)
            if not found:
                raise ValueError(
                    f"cannot parse constraint {spec!r}: expected NAME:VALUE, NAME~VALUE, "
                    "NAME!=VALUE or NAME<=NUMBER (also <, >, >=)"
                )
            op = _OPERATORS[found["op"].strip().lower()]
            return cls(found["name"], op, found["value"])
        if len(spec) != 3:
            raise ValueError(f"a constraint triple is (attribute, operator, value), got {spec!r}")
        name, op, value = spec
        op_name = _OPERATORS.get(str(op).strip().lower(), str(op).strip().upper())
        return cls(str(name), op_name, str(value))

    def check(self, attributes: Sequence[Mapping[str, Any]]) -> str | None:
        """None when the attributes satisfy this constraint, else the reason they do not."""
        attribute = next((a for a in attributes if a.get("name") == self.attribute), None)
        if attribute is None:
            return f"attribute {self.attribute!r} is missing"
        kind = attribute.get("type", "TEXT")
        checker = _CHECKERS.get(kind)
        if checker is None:
            return f"attribute {self.attribute!r} has unsupported type {kind}"
        return checker(self, attribute)

    def __str__(self) -> str:
        return f"{self.attribute} {self.operator} {self.value}"


def _text_check(constraint: Constraint, attribute: Mapping[str, Any]) -> str | None:
    text = str(attribute.get("text", {}).get("value", ""))
    op = constraint.operator
    if op == "CONTAINS":
        items = [item.strip() for item in text.split(",")]
        ok = constraint.value in items
    elif op in ("EQ", "NE"):
        ok = _NUMERIC[op](text, constraint.value)
    else:
        return f"attribute {constraint.attribute!r} is TEXT ({text!r}); {op} needs a number"
    return None if ok else f"attribute {constraint.attribute!r} is {text!r}, wanted {constraint}"


def _scalar_check(constraint: Constraint, attribute: Mapping[str, Any]) -> str | None:
    actual = float(attribute.get("scalar", {}).get("value", 0.0))
    if constraint.operator == "CONTAINS":
        return f"attribute {constraint.attribute!r} is SCALAR; use a comparison, not CONTAINS"
    try:
        wanted = float(constraint.value)
    except ValueError:
        return f"constraint {constraint} compares SCALAR {constraint.attribute!r} to a non-number"
    if constraint.operator in ("EQ", "NE"):
        ok = math.isclose(actual, wanted, abs_tol=1e-9) == (constraint.operator == "EQ")
    else:
        ok = _NUMERIC[constraint.operator](actual, wanted)
    return None if ok else f"attribute {constraint.attribute!r} is {actual:g}, wanted {constraint}"


def _set_items(text: str) -> set[str]:
    return {item.strip() for item in text.strip().strip("{}").split(",") if item.strip()}


def _set_check(constraint: Constraint, attribute: Mapping[str, Any]) -> str | None:
    items = set(attribute.get("set", {}).get("item", []))
    wanted = _set_items(constraint.value)
    op = constraint.operator
    if op == "CONTAINS":
        ok = wanted <= items
    elif op in ("EQ", "NE"):
        ok = (items == wanted) == (op == "EQ")
    else:
        return f"attribute {constraint.attribute!r} is a SET; {op} does not apply"
    shown = "{" + ",".join(sorted(items)) + "}"
    return None if ok else f"attribute {constraint.attribute!r} is {shown}, wanted {constraint}"


def _parse_range(text: str) -> tuple[int, int]:
    begin, _dash, end = text.strip().strip("[]").partition("-")
    low = int(begin)
    return low, int(end) if end else low


def _ranges_check(constraint: Constraint, attribute: Mapping[str, Any]) -> str | None:
    ranges = [(r["begin"], r["end"]) for r in attribute.get("ranges", {}).get("range", [])]
    shown = ",".join(f"[{b}-{e}]" for b, e in ranges)
    op = constraint.operator
    try:
        if op == "CONTAINS":
            low, high = _parse_range(constraint.value)
            ok = any(begin <= low and high <= end for begin, end in ranges)
        elif op in ("EQ", "NE"):
            wanted = sorted(_parse_range(p) for p in constraint.value.strip("[]").split(","))
            ok = (sorted(ranges) == wanted) == (op == "EQ")
        else:
            return f"attribute {constraint.attribute!r} is RANGES; {op} does not apply"
    except ValueError:
        return f"constraint {constraint} does not name a range like 5 or 5-7"
    return None if ok else f"attribute {constraint.attribute!r} is {shown}, wanted {constraint}"


_CHECKERS: dict[str, Callable[[Constraint, Mapping[str, Any]], str | None]] = {
    "TEXT": _text_check,
    "SCALAR": _scalar_check,
    "SET": _set_check,
    "RANGES": _ranges_check,
}


def parse_constraints(specs: Iterable[str | Sequence[str] | Constraint]) -> list[Constraint]:
    """Parse every constraint (see :meth:`Constraint.parse`)."""
    return [Constraint.parse(spec) for spec in specs]


# --- resources ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceRequest:
    """What one task needs. ``ports`` is a count of ports taken from the offered ranges."""

    cpus: float = 0.1
    mem: float = 32.0
    disk: float = 0.0
    ports: int = 0
    gpus: float = 0.0
    scalars: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ports < 0 or min(self.cpus, self.mem, self.disk, self.gpus) < 0:
            raise ValueError("resource amounts must not be negative")

    def scalar_needs(self) -> dict[str, float]:
        """Every scalar resource with a positive amount."""
        needs = {"cpus": self.cpus, "mem": self.mem, "disk": self.disk, "gpus": self.gpus}
        needs.update(self.scalars)
        return {name: amount for name, amount in needs.items() if amount > 0}


@dataclass(frozen=True)
class OfferMatch:
    """Resources of one offer set aside for one task (a subset of the offer)."""

    offer: Mapping[str, Any]
    resources: list[Resource]
    ports: list[int]

    @property
    def offer_id(self) -> str:
        """The offer's id value."""
        return self.offer["id"]["value"]

    @property
    def agent_id(self) -> str:
        """The offering agent's id value."""
        return self.offer["agent_id"]["value"]

    @property
    def hostname(self) -> str:
        """The offering agent's hostname."""
        return str(self.offer.get("hostname", ""))


@dataclass(frozen=True)
class OfferRejection:
    """Why an offer was not used."""

    offer_id: str
    hostname: str
    reason: str

    def __str__(self) -> str:
        return f"offer {self.offer_id} from {self.hostname or '?'}: {self.reason}"


def _round(value: float) -> float:
    # Mesos keeps scalars as fixed point with three decimals.
    return round(value, 3)


class OfferResources:
    """What is left of one offer while tasks are carved out of it."""

    def __init__(self, offer: Mapping[str, Any]) -> None:
        self.offer = offer
        self._remaining: list[Resource] = copy.deepcopy(list(offer.get("resources", [])))

    def available(self, name: str) -> float:
        """Total unreserved-or-ours SCALAR amount of ``name`` left."""
        return _round(sum(r["scalar"]["value"] for r in self._remaining if _is_scalar(r, name)))

    def free_ports(self) -> list[tuple[int, int]]:
        """Port ranges left, as ``(begin, end)`` pairs."""
        return [
            (rng["begin"], rng["end"])
            for r in self._remaining
            if r.get("name") == "ports" and r.get("type") == "RANGES"
            for rng in r.get("ranges", {}).get("range", [])
        ]

    def take(self, request: ResourceRequest) -> OfferMatch | str:
        """Carve ``request`` out of what is left: an :class:`OfferMatch` or a reason."""
        for name, amount in request.scalar_needs().items():
            have = self.available(name)
            if have + 1e-9 < amount:
                return f"not enough {name}: {have:g} offered, {amount:g} needed"
        free = sum(end - begin + 1 for begin, end in self.free_ports())
        if free < request.ports:
            return f"not enough ports: {free} offered, {request.ports} needed"
        taken: list[Resource] = []
        for name, amount in request.scalar_needs().items():
            taken.extend(self._take_scalar(name, amount))
        port_resources, ports = self._take_ports(request.ports)
        taken.extend(port_resources)
        return OfferMatch(self.offer, taken, ports)

    def _take_scalar(self, name: str, amount: float) -> list[Resource]:
        parts = []
        for resource in self._remaining:
            if amount <= 1e-9:
                break
            if not _is_scalar(resource, name):
                continue
            have = resource["scalar"]["value"]
            use = _round(min(have, amount))
            if use <= 0:
                continue
            part = copy.deepcopy(resource)
            part["scalar"] = {"value": use}
            parts.append(part)
            resource["scalar"]["value"] = _round(have - use)
            amount = _round(amount - use)
        return parts

    def _take_ports(self, count: int) -> tuple[list[Resource], list[int]]:
        parts: list[Resource] = []
        ports: list[int] = []
        for resource in self._remaining:
            if len(ports) >= count:
                break
            if resource.get("name") != "ports" or resource.get("type") != "RANGES":
                continue
            chosen: list[int] = []
            left: list[dict[str, int]] = []
            for rng in sorted(resource["ranges"]["range"], key=lambda r: r["begin"]):
                begin, end = rng["begin"], rng["end"]
                want = count - len(ports) - len(chosen)
                use = min(want, end - begin + 1)
                chosen.extend(range(begin, begin + use))
                if begin + use <= end:
                    left.append({"begin": begin + use, "end": end})
            if chosen:
                part = copy.deepcopy(resource)
                part["ranges"] = {"range": _to_ranges(chosen)}
                parts.append(part)
                ports.extend(chosen)
                resource["ranges"]["range"] = left
        return parts, ports


def _is_scalar(resource: Mapping[str, Any], name: str) -> bool:
    return resource.get("name") == name and resource.get("type", "SCALAR") == "SCALAR"


def _to_ranges(ports: Sequence[int]) -> list[dict[str, int]]:
    ranges: list[dict[str, int]] = []
    for port in sorted(ports):
        if ranges and ranges[-1]["end"] == port - 1:
            ranges[-1]["end"] = port
        else:
            ranges.append({"begin": port, "end": port})
    return ranges


def match_offer(
    offer: Mapping[str, Any],
    request: ResourceRequest,
    constraints: Sequence[Constraint] = (),
) -> OfferMatch | OfferRejection:
    """Check ``offer`` against ``constraints`` and carve ``request`` out of it."""
    offer_id = offer.get("id", {}).get("value", "?")
    hostname = str(offer.get("hostname", ""))
    attributes = offer.get("attributes", [])
    reasons = [r for c in constraints if (r := c.check(attributes)) is not None]
    if reasons:
        return OfferRejection(offer_id, hostname, "; ".join(reasons))
    taken = OfferResources(offer).take(request)
    if isinstance(taken, str):
        return OfferRejection(offer_id, hostname, taken)
    return taken


def place_tasks(
    offers: Sequence[Mapping[str, Any]],
    request: ResourceRequest,
    count: int = 1,
    constraints: Sequence[Constraint] = (),
) -> tuple[list[OfferMatch], list[OfferRejection]]:
    """Place up to ``count`` tasks on ``offers`` (several per offer if they fit).

    Returns the matches (``len < count`` when there was not room for all) and a rejection
    for every offer that could take none.
    """
    matches: list[OfferMatch] = []
    rejections: list[OfferRejection] = []
    for offer in offers:
        if len(matches) >= count:
            break
        first = match_offer(offer, request, constraints)
        if isinstance(first, OfferRejection):
            rejections.append(first)
            continue
        pool = OfferResources(offer)
        while len(matches) < count:
            taken = pool.take(request)
            if isinstance(taken, str):
                break
            matches.append(taken)
    return matches, rejections
