"""Detached start: own session, not a group leader, stdio to /dev/null and a log file."""

import os
import signal

from lab.detach import spawn_detached
from lab.processes import is_alive, wait_gone
from lab.shell import command_env


def test_detached_program_runs_in_its_own_session_without_leading_a_group(tmp_path):
    log = tmp_path / "out.log"
    pid = spawn_detached(["/bin/sh", "-c", "echo started; exec sleep 30"], log, command_env())
    try:
        assert is_alive(pid)
        assert os.getsid(pid) != os.getsid(0)
        assert os.getpgid(pid) != pid
        assert os.readlink(f"/proc/{pid}/fd/0") == "/dev/null"
        assert os.readlink(f"/proc/{pid}/fd/1") == str(log)
        for _ in range(50):
            if log.read_text():
                break
            os.sched_yield()
            wait_gone([pid], 0.05)
        assert log.read_text() == "started\n"
    finally:
        os.kill(pid, signal.SIGKILL)
    assert wait_gone([pid], 10) == []


def test_program_that_cannot_exec_just_ends(tmp_path):
    pid = spawn_detached(["/nonexistent/program"], tmp_path / "log", command_env())
    assert wait_gone([pid], 10) == []


def test_pid_is_returned_only_after_the_program_has_execd(tmp_path):
    # `lab up` checks the pid's command line at once: it must already be the program's.
    pids = []
    try:
        for _ in range(30):
            pid = spawn_detached(["/bin/sleep", "30"], tmp_path / "log", command_env())
            pids.append(pid)
            assert open(f"/proc/{pid}/cmdline", "rb").read() == b"/bin/sleep\x0030\x00"
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
    assert wait_gone(pids, 10) == []
