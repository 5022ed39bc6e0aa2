"""/proc scanning: nspawn processes, container inits, zombies, children."""

import subprocess
import sys
from pathlib import Path

from lab import processes
from lab.constants import MACHINE_MARKER

MACHINES = "/var/lib/mesos-lab/machines"


def fake_process(proc, pid, argv, *, state="S", environ=(), children=()):
    entry = proc / str(pid)
    (entry / "task" / str(pid)).mkdir(parents=True)
    (entry / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    (entry / "stat").write_text(f"{pid} ({argv[0][:15]}) {state} 1 1 1 0 -1")
    (entry / "environ").write_bytes(b"\0".join(e.encode() for e in environ))
    (entry / "task" / str(pid) / "children").write_text(" ".join(map(str, children)))


def nspawn_argv(name, machines=MACHINES):
    return [
        "/usr/bin/systemd-nspawn",
        "-D",
        f"{machines}/{name}",
        f"--machine={name}",
        f"--setenv={MACHINE_MARKER}={machines}/{name}",
    ]


def test_scans_find_nspawn_and_init_by_marker(tmp_path):
    proc = tmp_path / "proc"
    fake_process(proc, 100, nspawn_argv("t-a"), children=[101])
    fake_process(
        proc, 101, ["/usr/lib/systemd/systemd"], environ=[f"{MACHINE_MARKER}={MACHINES}/t-a"]
    )
    fake_process(proc, 200, nspawn_argv("t-b"), state="Z")
    fake_process(proc, 300, ["/usr/bin/systemd-nspawn", "--machine=foreign"])
    fake_process(proc, 400, ["/usr/lib/systemd/systemd"], environ=["container=systemd-nspawn"])

    assert processes.nspawn_pids(proc=proc) == {100: Path(f"{MACHINES}/t-a")}
    assert processes.nspawn_pids("t-b", proc=proc) == {}
    assert processes.container_inits(proc=proc) == {101: Path(f"{MACHINES}/t-a")}
    assert processes.init_of(100, "t-a", proc=proc) == 101
    assert processes.is_nspawn_of(100, "t-a", proc=proc)
    assert not processes.is_nspawn_of(200, "t-b", proc=proc)  # zombie
    assert not processes.is_nspawn_of(100, "t-b", proc=proc)


def test_scans_are_scoped_to_one_machines_directory(tmp_path):
    proc = tmp_path / "proc"
    fake_process(proc, 100, nspawn_argv("t-a", "/home1/machines"))
    fake_process(proc, 101, nspawn_argv("t-a", "/home2/machines"))
    assert set(processes.nspawn_pids("t-a", Path("/home2/machines"), proc=proc)) == {101}
    assert set(processes.nspawn_pids("t-a", proc=proc)) == {100, 101}


def test_real_process_liveness_and_wait_gone():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert processes.is_alive(child.pid)
        assert processes.children(child.pid) == []
        assert processes.wait_gone([child.pid], timeout=0.2) == [child.pid]
    finally:
        child.kill()
        child.wait(timeout=30)
    assert not processes.is_alive(child.pid)
    assert processes.wait_gone([child.pid], timeout=1) == []
    processes.send(child.pid, 0)  # gone: no exception
