"""Machine records (run/<name>.json) and the truth about each machine's state."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from lab import processes
from lab.paths import LabPaths


@dataclass(frozen=True)
class MachineRecord:
    """What `up` wrote when it booted a machine."""

    name: str
    lab_name: str
    inventory: str
    host: str
    address: str
    pid: int  # systemd-nspawn
    started_at: float  # time.time()

    def to_json(self) -> str:
        """Serialised form, one JSON object."""
        return json.dumps(asdict(self), indent=2) + "\n"


def write_record(paths: LabPaths, record: MachineRecord) -> None:
    """Store `record` atomically (write then rename)."""
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    target = paths.record_file(record.name)
    partial = target.with_suffix(".json.partial")
    partial.write_text(record.to_json())
    partial.replace(target)


def parse_record(text: str) -> MachineRecord | None:
    """A MachineRecord from JSON text, or None if it is not one (e.g. half written)."""
    try:
        data = json.loads(text)
        return MachineRecord(
            name=str(data["name"]),
            lab_name=str(data["lab_name"]),
            inventory=str(data["inventory"]),
            host=str(data["host"]),
            address=str(data["address"]),
            pid=int(data["pid"]),
            started_at=float(data["started_at"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def read_record(paths: LabPaths, name: str) -> MachineRecord | None:
    """The record of machine `name`, or None if absent or unreadable."""
    try:
        return parse_record(paths.record_file(name).read_text())
    except OSError:
        return None


def all_records(paths: LabPaths) -> list[MachineRecord]:
    """Every readable machine record."""
    if not paths.run_dir.exists():
        return []
    records = []
    for file in sorted(paths.run_dir.glob("*.json")):
        if file == paths.network_record:
            continue
        record = parse_record(file.read_text())
        if record is not None:
            records.append(record)
    return records


def records_of_other_homes(paths: LabPaths) -> dict[Path, list[MachineRecord]]:
    """Records of the other MESOS_LAB_HOMEs that have live machines, by home.

    Every home shares the one bridge (and machine names are global to systemd-nspawn), so
    their machines' addresses and names are taken too.
    """
    live = {**processes.nspawn_pids(), **processes.container_inits()}.values()
    homes = {directory.parent.parent for directory in live} - {paths.home}
    return {home: all_records(LabPaths(home=home, cache=paths.cache)) for home in sorted(homes)}


def leftover_names(paths: LabPaths) -> set[str]:
    """Machine names that have any file the lab tool made (dirs, partial copies, records)."""
    names: set[str] = set()
    if paths.machines_dir.exists():
        for entry in paths.machines_dir.iterdir():
            names.add(machine_name_of(entry))
    apt_dirs = paths.apt_archives / "machines"
    if apt_dirs.exists():
        names.update(entry.name for entry in apt_dirs.iterdir())
    if paths.run_dir.exists():
        for entry in paths.run_dir.iterdir():
            if entry != paths.network_record:
                names.add(entry.name.split(".", 1)[0])
    names.discard("")
    return names


def machine_name_of(entry: Path) -> str:
    """Machine name from a machines/ entry: `NAME`, `.NAME.partial-123`, `.#NAME.lck`."""
    base = entry.name.lstrip(".#")
    for suffix in (".lck",):
        base = base.removesuffix(suffix)
    return base.split(".partial-", 1)[0]


class MachineState(StrEnum):
    """What a machine is, as far as the host can tell."""

    RUNNING = "running"  # nspawn alive, systemd inside running/degraded
    STARTING = "starting"  # nspawn alive, systemd inside not (yet) up
    ORPHANED = "orphaned"  # container init alive but its systemd-nspawn is gone
    STOPPED = "stopped"  # record or root file system left, no process
    ABSENT = "absent"  # nothing


READY_SYSTEM_STATES = frozenset({"running", "degraded"})


@dataclass(frozen=True)
class Observation:
    """Raw facts about one machine, gathered from files and /proc."""

    record: bool
    directory: bool
    nspawn_alive: bool
    init_alive: bool
    system_state: str | None  # `systemctl is-system-running` inside, if asked


def classify(seen: Observation) -> MachineState:
    """The machine's state from raw facts (pure)."""
    if seen.nspawn_alive:
        ready = seen.system_state in READY_SYSTEM_STATES
        return MachineState.RUNNING if ready else MachineState.STARTING
    if seen.init_alive:
        return MachineState.ORPHANED
    if seen.record or seen.directory:
        return MachineState.STOPPED
    return MachineState.ABSENT
