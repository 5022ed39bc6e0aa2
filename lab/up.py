"""`lab up`: boot every machine of an inventory; a no-op when they already run."""

from __future__ import annotations

import time
from dataclasses import dataclass

from lab import guest, hostdeps, machine, network, processes, rootfs
from lab.conflicts import address_conflicts
from lab.errors import LabError
from lab.inventory import LabSpec, MachineSpec, load_inventory
from lab.lock import lab_lock
from lab.paths import LabPaths
from lab.progress import Progress
from lab.sshkey import ensure_key
from lab.state import (
    READY_SYSTEM_STATES,
    MachineRecord,
    MachineState,
    all_records,
    classify,
    read_record,
    records_of_other_homes,
)

READY_TIMEOUT = 180.0
LOG_TAIL_LINES = 5


@dataclass
class Pending:
    """A machine `up` is waiting for."""

    record: MachineRecord
    since: float
    booted: bool  # started by this run (else it was already running)
    system_state: str | None = None


def up(paths: LabPaths, inventory: str, progress: Progress) -> int:
    """Boot the inventory's machines that do not run yet; print what it does, step by step."""
    hostdeps.require_root("lab up")
    hostdeps.install_missing(progress)
    hostdeps.require_programs()
    with progress.step(f"read inventory {inventory}"):
        lab = load_inventory(inventory)
    network.check_bridge_is_ours()
    # Looking needs no lock: a running lab answers at once even while another
    # scenario's `up` holds the lock for minutes.
    if _already_up(paths, lab, progress):
        return 0
    with lab_lock(paths.lock_file, progress):
        return _up_locked(paths, lab, progress)


def _states(paths: LabPaths, lab: LabSpec) -> dict[str, MachineState]:
    return {m.name: classify(machine.observe(paths, m.name)[0]) for m in lab.machines}


def _already_up(paths: LabPaths, lab: LabSpec, progress: Progress) -> bool:
    """True (and say so) if every machine runs and the network is in place."""
    network_ready = network.bridge_state().exists and network.nft_table_present()
    states = _states(paths, lab).values()
    if not (network_ready and all(s is MachineState.RUNNING for s in states)):
        return False
    progress.line(
        f"lab {lab.lab_name} is already up ({len(lab.machines)} machines running); nothing changed"
    )
    return True


def _up_locked(paths: LabPaths, lab: LabSpec, progress: Progress) -> int:
    network.check_bridge_is_ours()
    if _already_up(paths, lab, progress):  # another `up` may have finished meanwhile
        return 0
    states = _states(paths, lab)
    problems = address_conflicts(
        lab, network.host_addresses(), all_records(paths), records_of_other_homes(paths)
    )
    if problems:
        raise LabError("; ".join(problems))
    for suite in lab.suites():
        _ensure_base(paths, suite, progress)
    pubkey = ensure_key(paths.ssh_key)
    with progress.step("network"):
        created = network.ensure_network(paths.network_record)
    progress.note(f"created {', '.join(created)}" if created else "network already in place")
    dns = guest.host_nameservers()
    if not dns:
        progress.note("warning: no usable nameserver in /etc/resolv.conf; no DNS in machines")
    to_boot = [
        spec
        for spec in lab.machines
        if _prepare(paths, lab, spec, states[spec.name], dns=dns, pubkey=pubkey, progress=progress)
    ]
    for spec in to_boot:
        with progress.step(f"start {spec.name} at {spec.address}"):
            machine.boot(paths, spec, lab)
    _wait_ready(paths, lab, {spec.name for spec in to_boot}, progress)
    progress.line(
        f"lab {lab.lab_name} is up: "
        + ", ".join(f"{m.name} {m.address}" for m in lab.machines)
        + f" ({progress.total():.1f}s)"
    )
    return 0


def _ensure_base(paths: LabPaths, suite: str, progress: Progress) -> None:
    recipe = rootfs.recipe_from_sources(rootfs.host_sources(), suite)
    base = paths.base_dir_for(suite)
    if rootfs.read_stamp(base) == recipe.stamp():
        progress.note(f"base root file system cached at {base}")
        return
    rootfs.ensure_base(base, recipe, progress)


def _prepare(
    paths: LabPaths,
    lab: LabSpec,
    spec: MachineSpec,
    state: MachineState,
    *,
    dns: list[str],
    pubkey: str,
    progress: Progress,
) -> bool:
    """Get a bootable root fs for `spec`; False if it already runs (nothing to do)."""
    if state in (MachineState.RUNNING, MachineState.STARTING):
        progress.note(f"{spec.name} already {state.value}")
        return False
    reusable = state is MachineState.STOPPED and read_record(paths, spec.name) is not None
    if state is not MachineState.ABSENT:
        with progress.step(f"clean up {state.value} {spec.name}"):
            machine.stop_many(paths, [spec.name])
            if not reusable:
                machine.remove_files(paths, spec.name)
    if reusable and paths.machine_dir(spec.name).exists():
        progress.note(f"reusing the root file system of stopped {spec.name}")
    else:
        with progress.step(f"copy base to {spec.name}"):
            machine.prepare(paths, spec, lab, dns, pubkey)
    return True


def _wait_ready(paths: LabPaths, lab: LabSpec, booted: set[str], progress: Progress) -> None:
    """Wait (bounded) until systemd runs inside every machine and SSH answers."""
    pending = {}
    for spec in lab.machines:
        record = read_record(paths, spec.name)
        if record is None:
            raise LabError(f"machine {spec.name} has no record after start")
        pending[spec.name] = Pending(record, time.monotonic(), spec.name in booted)
    deadline = time.monotonic() + READY_TIMEOUT
    while pending:
        for name, waiting in list(pending.items()):
            if _ready(paths, waiting):
                what = "boot" if waiting.booted else "check running"
                progress.line(f"[{time.monotonic() - waiting.since:5.1f}s] {what} {name}")
                del pending[name]
        if not pending:
            break
        if time.monotonic() > deadline:
            name, waiting = next(iter(pending.items()))
            raise LabError(
                f"machine {name} not ready after {READY_TIMEOUT:.0f} s (systemd: "
                f"{waiting.system_state}); see {paths.log_file(name)}"
            )
        time.sleep(0.3)


def _ready(paths: LabPaths, waiting: Pending) -> bool:
    record = waiting.record
    if not processes.is_nspawn_of(record.pid, record.name):
        raise LabError(
            f"systemd-nspawn for {record.name} (pid {record.pid}) exited: "
            f"{_log_tail(paths, record.name)} (log: {paths.log_file(record.name)})"
        )
    init_pid = processes.init_of(record.pid, record.name)
    if init_pid is None:
        return False
    waiting.system_state = machine.system_state(init_pid)
    if waiting.system_state not in READY_SYSTEM_STATES:
        return False
    return machine.ssh_answers(paths, record)


def _log_tail(paths: LabPaths, name: str) -> str:
    try:
        lines = paths.log_file(name).read_text(errors="replace").splitlines()
    except OSError:
        return "no log"
    return " | ".join(line.strip() for line in lines[-LOG_TAIL_LINES:] if line.strip())
