"""Mesos resources: parsing (``--resources``), arithmetic, v1 JSON and Mesos's text form."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field

from .jsonparse import parse_json_body
from .values import (
    ValueError_,
    coalesce_ranges,
    format_ranges,
    format_scalar,
    format_set,
    parse_value,
    ranges_from_json,
    ranges_json,
)

DEFAULT_PORTS = [(31000, 32000)]
MB = 1024 * 1024


class ResourcesError(ValueError):
    """Resources text or JSON that Mesos would refuse."""


def _round(value: float) -> float:
    # Mesos keeps scalars as fixed point with three decimals.
    return round(value * 1000) / 1000


def _subtract_ranges(have: list[tuple[int, int]], minus: list[tuple[int, int]]) -> list:
    result = list(have)
    for mb, me in minus:
        nxt = []
        for b, e in result:
            if me < b or mb > e:
                nxt.append((b, e))
                continue
            if b < mb:
                nxt.append((b, mb - 1))
            if me < e:
                nxt.append((me + 1, e))
        result = nxt
    return coalesce_ranges(result)


def _ranges_contain(have: list[tuple[int, int]], want: list[tuple[int, int]]) -> bool:
    return all(any(b <= wb and we <= e for b, e in have) for wb, we in want)


@dataclass
class Resources:
    """A bag of resources keyed by ``(name, role)``; values are float, ranges list or set."""

    items: dict[tuple[str, str], tuple[str, object]] = field(default_factory=dict)

    # construction ------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, default_role: str = "*") -> Resources:
        """Parse ``cpus:2;mem:496;ports:[9000-10000]`` or a JSON array, like Resources::parse."""
        stripped = text.strip()
        if stripped.startswith("["):
            try:
                return cls.from_json(parse_json_body(stripped.encode()))
            except ValueError:
                pass  # not JSON: "[..." cannot start a simple string either; fall through
        result = cls()
        for token in (t for t in text.split(";") if t):
            pair = [p for p in token.split(":") if p]
            if len(pair) != 2:
                raise ResourcesError(f"Bad value for resources, missing or extra ':' in {token}")
            name_part, value = pair
            match = re.match(r"^([^(]*)(?:\(([^)]*)\))?", name_part)
            if "(" in name_part and ")" not in name_part:
                raise ResourcesError(f"Bad value for resources, mismatched parentheses in {token}")
            name = match.group(1).strip() if match else name_part.strip()
            role = (match.group(2) or default_role).strip() if match else default_role
            try:
                parsed = parse_value(value)
            except ValueError_ as exc:
                raise ResourcesError(
                    f"Failed to parse resource {name} value {value} error {exc}"
                ) from None
            if parsed["type"] == "TEXT":
                raise ResourcesError(f"Bad type for resource {name} value {value} type TEXT")
            if not name:
                raise ResourcesError("Empty resource name")
            result.add_one(name, role, parsed)
        return result

    @classmethod
    def from_json(cls, resources: list) -> Resources:
        """Build from v1 Resource JSON objects (``role``/``reservations``/``allocation_info``)."""
        result = cls()
        if not isinstance(resources, list):
            raise ResourcesError("Expecting a JSON array of resources")
        for resource in resources:
            if not isinstance(resource, dict) or not resource.get("name"):
                raise ResourcesError("Empty resource name")
            reservations = resource.get("reservations") or []
            role = (
                reservations[-1].get("role", "*") if reservations else resource.get("role") or "*"
            )
            result.add_one(resource["name"], role, resource)
        return result

    def add_one(self, name: str, role: str, value: dict) -> None:
        """Add one resource given as a value dict with ``type`` and its payload."""
        kind = value.get("type")
        if kind == "SCALAR":
            amount = float((value.get("scalar") or {}).get("value", 0))
            self._add(name, role, "SCALAR", _round(amount))
        elif kind == "RANGES":
            self._add(name, role, "RANGES", ranges_from_json(value.get("ranges") or {}))
        elif kind == "SET":
            self._add(name, role, "SET", set((value.get("set") or {}).get("item", [])))
        else:
            raise ResourcesError(f"Invalid resource type for resource {name}")

    def _add(self, name: str, role: str, kind: str, amount: object) -> None:
        key = (name, role)
        if key in self.items:
            old_kind, old = self.items[key]
            if old_kind != kind:
                raise ResourcesError(f"Resource {name} has conflicting types")
            self.items[key] = (kind, _combine(kind, old, amount))
        else:
            self.items[key] = (kind, _normalize(kind, amount))
        if _is_empty(*self.items[key]):
            del self.items[key]

    # arithmetic --------------------------------------------------------------------------
    def copy(self) -> Resources:
        """A shallow copy (values are immutable or copied on change)."""
        return Resources(dict(self.items))

    def __add__(self, other: Resources) -> Resources:
        result = self.copy()
        for (name, role), (kind, amount) in other.items.items():
            result._add(name, role, kind, amount)
        return result

    def __sub__(self, other: Resources) -> Resources:
        result = self.copy()
        for key, (kind, amount) in other.items.items():
            if key not in result.items:
                continue
            have_kind, have = result.items[key]
            if have_kind != kind:
                continue
            left = _difference(kind, have, amount)
            if _is_empty(kind, left):
                del result.items[key]
            else:
                result.items[key] = (kind, left)
        return result

    def contains(self, other: Resources) -> bool:
        """True when every resource of ``other`` fits inside this bag."""
        for key, (kind, amount) in other.items.items():
            if key not in self.items or self.items[key][0] != kind:
                return False
            have = self.items[key][1]
            if kind == "SCALAR" and _round(have - amount) < 0:
                return False
            if kind == "RANGES" and not _ranges_contain(have, amount):
                return False
            if kind == "SET" and not set(amount) <= set(have):
                return False
        return True

    def empty(self) -> bool:
        """True when the bag holds nothing."""
        return not self.items

    def scalar(self, name: str) -> float:
        """Sum of scalar ``name`` over roles (0 when absent)."""
        return sum(a for (n, _role), (k, a) in self.items.items() if n == name and k == "SCALAR")

    def ranges(self, name: str) -> list[tuple[int, int]]:
        """Union of ranges ``name`` over roles."""
        found = [
            r for (n, _role), (k, a) in self.items.items() if n == name and k == "RANGES" for r in a
        ]
        return coalesce_ranges(found)

    # rendering ---------------------------------------------------------------------------
    def to_json(self, allocation_role: str | None = None, legacy_role: bool = True) -> list[dict]:
        """v1 Resource JSON objects, as Mesos 1.11 renders them (``legacy_role``: with the
        deprecated ``role`` field, which Mesos leaves out of agent_info and task resources)."""
        result = []
        for (name, role), (kind, amount) in self.items.items():
            entry: dict = {"name": name, "type": kind}
            if kind == "SCALAR":
                entry["scalar"] = {"value": amount}
            elif kind == "RANGES":
                entry["ranges"] = ranges_json(amount)
            else:
                entry["set"] = {"item": sorted(amount)}
            if legacy_role or role != "*":
                entry["role"] = role
            if role != "*":
                entry["reservations"] = [{"type": "STATIC", "role": role}]
            if allocation_role is not None:
                entry["allocation_info"] = {"role": allocation_role}
            result.append(entry)
        return result

    def to_v0_object(self) -> dict:
        """v0 state JSON: ``{"cpus": 2.0, "mem": .., "gpus": 0.0, "ports": "[31000-32000]"}``."""
        result: dict = {"cpus": 0.0, "disk": 0.0, "gpus": 0.0, "mem": 0.0}
        for (name, _role), (kind, amount) in self.items.items():
            if kind == "SCALAR":
                result[name] = _round(result.get(name, 0.0) + amount)
            elif kind == "RANGES":
                result[name] = format_ranges(self.ranges(name))
            else:
                result[name] = format_set(sorted(amount))
        return result

    def text(self, allocation_role: str | None = None) -> str:
        """Mesos's text form, e.g. ``cpus(allocated: *):2; ports(allocated: *):[31000-32000]``."""
        if not self.items:
            return "{}"
        parts = []
        for (name, role), (kind, amount) in self.items.items():
            label = name
            if allocation_role is not None:
                label += f"(allocated: {allocation_role})"
            if role != "*":
                label += f"(reservations: [(STATIC,{role})])"
            if kind == "SCALAR":
                rendered = format_scalar(amount)
            elif kind == "RANGES":
                rendered = format_ranges(amount)
            else:
                rendered = format_set(sorted(amount))
            parts.append(f"{label}:{rendered}")
        return "; ".join(parts)


def _normalize(kind: str, amount: object) -> object:
    if kind == "RANGES":
        return coalesce_ranges(list(amount))
    if kind == "SET":
        return set(amount)
    return amount


def _combine(kind: str, old: object, new: object) -> object:
    if kind == "SCALAR":
        return _round(old + new)
    if kind == "RANGES":
        return coalesce_ranges([*old, *new])
    return set(old) | set(new)


def _difference(kind: str, have: object, minus: object) -> object:
    if kind == "SCALAR":
        return max(0.0, _round(have - minus))
    if kind == "RANGES":
        return _subtract_ranges(have, minus)
    return set(have) - set(minus)


def _is_empty(kind: str, amount: object) -> bool:
    if kind == "SCALAR":
        return amount <= 0
    return not amount


def detect_host_resources(work_dir: str) -> Resources:
    """Defaults like the Mesos agent: all cpus, memory minus 1 GiB, disk minus 5 GiB, ports."""
    result = Resources()
    result.add_one("cpus", "*", {"type": "SCALAR", "scalar": {"value": float(os.cpu_count() or 1)}})
    total_mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // MB
    mem = total_mem - 1024 if total_mem >= 2048 else total_mem // 2
    result.add_one("mem", "*", {"type": "SCALAR", "scalar": {"value": float(mem)}})
    path = work_dir if os.path.isdir(work_dir) else "/"
    total_disk = shutil.disk_usage(path).total // MB
    disk = total_disk - 5120 if total_disk >= 10240 else total_disk // 2
    result.add_one("disk", "*", {"type": "SCALAR", "scalar": {"value": float(disk)}})
    result.add_one("ports", "*", {"type": "RANGES", "ranges": ranges_json(DEFAULT_PORTS)})
    return result


def agent_resources(flag_value: str | None, work_dir: str) -> Resources:
    """``--resources`` merged over the detected defaults (a flag entry replaces that name)."""
    detected = detect_host_resources(work_dir)
    if not flag_value:
        return detected
    given = Resources.parse(flag_value)
    names = {name for name, _role in given.items}
    kept = Resources({k: v for k, v in detected.items.items() if k[0] not in names})
    return kept + given
