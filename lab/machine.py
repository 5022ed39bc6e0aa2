"""One machine's life: copy the base, boot it with systemd-nspawn, probe it, stop it, remove it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from lab import aptcache, cgroups, guest, processes, shell
from lab.constants import BRIDGE, MACHINE_MARKER
from lab.detach import spawn_detached
from lab.errors import LabError
from lab.inventory import LabSpec, MachineSpec
from lab.paths import LabPaths
from lab.sshkey import ssh_command
from lab.state import MachineRecord, Observation, read_record, write_record

HALT_TIMEOUT = 20.0
KILL_TIMEOUT = 10.0
PROBE_TIMEOUT = 5.0
NSPAWN_RUN = Path("/run/systemd/nspawn")


def prepare(
    paths: LabPaths, machine: MachineSpec, lab: LabSpec, dns: list[str], pubkey: str
) -> None:
    """Copy the base to machines/<name> and configure it; a crash leaves only a .partial dir."""
    paths.machines_dir.mkdir(parents=True, exist_ok=True)
    for stale in paths.machines_dir.glob(f".{machine.name}.partial-*"):
        refuse_if_mounted(stale)
        shell.run(["rm", "-rf", "--one-file-system", str(stale)], timeout=300)
    partial = paths.machines_dir / f".{machine.name}.partial-{os.getpid()}"
    base = paths.base_dir_for(machine.suite)
    shell.run(["cp", "-a", "--reflink=auto", str(base), str(partial)], timeout=600)
    guest.configure(partial, machine, lab, dns, pubkey)
    aptcache.prepare(paths.apt_archives, partial, machine.name)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    paths.known_hosts(machine.name).write_text(guest.host_key_lines(partial, machine.address))
    partial.rename(paths.machine_dir(machine.name))


def nspawn_command(paths: LabPaths, machine: MachineSpec) -> list[str]:
    """The systemd-nspawn command line that boots `machine` on the bridge."""
    return [
        shell.which("systemd-nspawn") or "systemd-nspawn",
        "-D",
        str(paths.machine_dir(machine.name)),
        "--boot",
        "--register=no",
        "--keep-unit",
        f"--machine={machine.name}",
        f"--network-bridge={BRIDGE}",
        "--resolv-conf=off",
        "--timezone=off",
        f"--bind={paths.apt_archives}:{aptcache.MOUNT}",
        f"--setenv={MACHINE_MARKER}={paths.machine_dir(machine.name)}",
        *cgroups.prepare(machine.cgroups, machine.name),
    ]


def boot(paths: LabPaths, machine: MachineSpec, lab: LabSpec) -> MachineRecord:
    """Start systemd-nspawn detached (it outlives us) and record its pid."""
    paths.apt_archives.mkdir(parents=True, exist_ok=True)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    command = nspawn_command(paths, machine)
    if not Path(command[0]).is_absolute():
        raise LabError("systemd-nspawn is missing; run `python -m lab host-deps` as root")
    pid = spawn_detached(command, paths.log_file(machine.name), shell.command_env())
    record = MachineRecord(
        name=machine.name,
        lab_name=lab.lab_name,
        inventory=lab.inventory,
        host=machine.host,
        address=machine.address,
        pid=pid,
        started_at=time.time(),
    )
    write_record(paths, record)
    return record


def system_state(init_pid: int) -> str | None:
    """`systemctl is-system-running` inside the container, or None if it cannot answer."""
    try:
        result = shell.run(
            [
                "nsenter",
                "-t",
                str(init_pid),
                "-m",
                "-u",
                "-i",
                "-n",
                "-p",
                "--",
                "systemctl",
                "is-system-running",
            ],
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except LabError:
        return None
    answer = result.stdout.strip()
    return answer or None


def ssh_answers(paths: LabPaths, record: MachineRecord) -> bool:
    """True if `ssh root@address true` succeeds with the lab key."""
    command = ssh_command(paths.ssh_key, record.address, paths.known_hosts(record.name), "true")
    try:
        return shell.run(command, timeout=PROBE_TIMEOUT + 3, check=False).returncode == 0
    except LabError:
        return False


def observe(paths: LabPaths, name: str, probe: bool = True) -> tuple[Observation, int | None]:
    """Raw facts about machine `name` and the pid of its container init (if alive)."""
    record = read_record(paths, name)
    nspawn_alive = record is not None and processes.is_nspawn_of(record.pid, name)
    if not nspawn_alive:
        nspawn_alive = bool(processes.nspawn_pids(name, paths.machines_dir))
    inits = processes.container_inits(name, paths.machines_dir)
    init_pid = min(inits) if inits else None
    state = system_state(init_pid) if (probe and init_pid is not None) else None
    seen = Observation(
        record=record is not None,
        directory=paths.machine_dir(name).exists(),
        nspawn_alive=nspawn_alive,
        init_alive=init_pid is not None,
        system_state=state,
    )
    return seen, init_pid


def stop_many(paths: LabPaths, names: list[str]) -> list[str]:
    """Power machines off cleanly (SIGRTMIN+3 to each init), then SIGKILL what is left.

    An orphaned container (its systemd-nspawn is gone) is killed at once: nobody drains its
    console any more, so a clean shutdown would block writing to it. Returns the names that
    had processes. Works without records (after a crash of `up`).
    """
    nspawns: set[int] = set()
    halt: set[int] = set()
    kill: set[int] = set()
    had_processes = []
    for name in names:
        mine = set(processes.nspawn_pids(name, paths.machines_dir))
        record = read_record(paths, name)
        if record is not None and processes.is_nspawn_of(record.pid, name):
            mine.add(record.pid)
        inits = set(processes.container_inits(name, paths.machines_dir))
        if mine or inits:
            had_processes.append(name)
        nspawns |= mine
        (halt if mine else kill).update(inits)
    for pid in halt:
        processes.send(pid, processes.HALT)
    for pid in kill:
        processes.send(pid, signal.SIGKILL)  # killing a pid namespace's init kills all in it
    left = processes.wait_gone(sorted(nspawns | halt | kill), HALT_TIMEOUT)
    for pid in left:
        processes.send(pid, signal.SIGKILL)
    left = processes.wait_gone(left, KILL_TIMEOUT)
    if left:
        raise LabError(f"processes {left} of {', '.join(names)} survived SIGKILL")
    return had_processes


def remove_files(paths: LabPaths, name: str) -> list[Path]:
    """Delete the machine's root file system, partial copies, lock, record and logs."""
    aptcache.harvest(paths.apt_archives, name)
    candidates = [paths.machine_dir(name), aptcache.machine_archives(paths.apt_archives, name)]
    candidates += nspawn_runtime_files(paths.machine_dir(name), name)
    if paths.machines_dir.exists():
        candidates += list(paths.machines_dir.glob(f".{name}.partial-*"))
        candidates += list(paths.machines_dir.glob(f".#{name}.lck"))
    if paths.run_dir.exists():
        candidates += [p for p in paths.run_dir.glob(f"{name}.*") if p.name.split(".")[0] == name]
    removed = cgroups.remove(name)
    for path in candidates:
        if path.is_dir() and not path.is_symlink():
            refuse_if_mounted(path)
            shell.run(["rm", "-rf", "--one-file-system", str(path)], timeout=300)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            continue
        removed.append(path)
    return removed


def nspawn_runtime_files(directory: Path, name: str, run: Path = NSPAWN_RUN) -> list[Path]:
    """What systemd-nspawn leaves in /run for a machine: its image lock and propagation dir."""
    found = [run / "propagate" / name]
    try:
        stat = directory.stat()
    except OSError:
        return found
    return [*found, run / "locks" / f"inode-{stat.st_dev}:{stat.st_ino}"]


def refuse_if_mounted(path: Path) -> None:
    """Never delete through a mount point left inside a machine directory."""
    prefix = str(path.resolve()) + "/"
    with open("/proc/self/mounts") as mounts:
        for line in mounts:
            mount_point = line.split()[1]
            if mount_point.startswith(prefix):
                raise LabError(f"{mount_point} is still mounted; unmount it before `down`")
