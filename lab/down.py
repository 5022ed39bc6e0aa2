"""`lab down`: stop and delete machines; the last one out removes the bridge and NAT."""

from __future__ import annotations

from lab import hostdeps, machine, network, processes
from lab.inventory import load_inventory
from lab.lock import lab_lock
from lab.paths import LabPaths
from lab.progress import Progress
from lab.state import all_records, leftover_names


def live_names(paths: LabPaths) -> set[str]:
    """Names of this home's machines with a live systemd-nspawn or container init."""
    found = processes.nspawn_pids(machines_dir=paths.machines_dir)
    found |= processes.container_inits(machines_dir=paths.machines_dir)
    return {directory.name for directory in found.values()}


def any_lab_process() -> bool:
    """Whether any lab machine of any MESOS_LAB_HOME still runs (they share the bridge)."""
    return bool(processes.nspawn_pids() or processes.container_inits())


def down(paths: LabPaths, inventory: str | None, progress: Progress) -> int:
    """Remove the inventory's machines (or, with `inventory` None, every lab machine)."""
    hostdeps.require_root("lab down")
    names: set[str] | None = None
    lab_name = None
    if inventory is not None:
        with progress.step(f"read inventory {inventory}"):
            lab = load_inventory(inventory)
        names = set(lab.machine_names())
        lab_name = lab.lab_name
    with lab_lock(paths.lock_file, progress):
        if names is None:
            names = leftover_names(paths) | live_names(paths)
        else:
            names |= {r.name for r in all_records(paths) if r.lab_name == lab_name}
        present = sorted(n for n in names if n in leftover_names(paths) | live_names(paths))
        if present:
            with progress.step(f"stop {', '.join(present)}"):
                machine.stop_many(paths, present)
            for name in present:
                with progress.step(f"remove {name}"):
                    machine.remove_files(paths, name)
        else:
            progress.note("no machines to remove")
        remaining = sorted(leftover_names(paths) | live_names(paths))
        if remaining or any_lab_process():
            others = ", ".join(remaining) or "machines of another MESOS_LAB_HOME"
            progress.note(f"network kept for other machines: {others}")
            return 0
        with progress.step("remove network"):
            removed = network.remove_network(paths.network_record)
        progress.note(f"removed {', '.join(removed)}" if removed else "no network to remove")
    return 0
