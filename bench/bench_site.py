"""`ansible-playbook site.yml` on fresh lab machines (cold) and again (idempotent), side by side.

Each round boots two new machines with the seed lab's configuration (inventories/local's
group_vars) at the bench's own addresses, so a running seed lab is never touched; runs
site.yml (cold: ZooKeeper, mesos_sim, agent, nginx task), runs it again (idempotent, which must
report changed=0), and removes the machines. Caches (base root file system, apt pool, wheels)
are warm after the first `make lab`, as they are for a user's second lab. Medians of ROUNDS.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import REPO_ROOT

ROUNDS = 3
LAB_NAME = "bench"
MASTER, AGENT = "192.168.33.80", "192.168.33.81"
SEED_GROUP_VARS = REPO_ROOT / "inventories" / "local" / "group_vars"
PLAYBOOK_TIMEOUT = 1200
RECAP_CHANGED = re.compile(r"^\S+\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)", re.MULTILINE)
HOSTS_YML = f"""all:
  vars:
    lab_name: {LAB_NAME}
  children:
    zookeeper:
      hosts:
        master:
    mesos_masters:
      hosts:
        master:
          ansible_host: {MASTER}
    mesos_agents:
      hosts:
        agent:
          ansible_host: {AGENT}
"""


def _run(cmd: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-2000:]}")
    return out


def _lab(action: str, inventory: Path) -> float:
    started = time.monotonic()
    _run([sys.executable, "-m", "lab", action, "-i", str(inventory)], timeout=600)
    return time.monotonic() - started


def _site(inventory: Path) -> tuple[float, int]:
    ansible_playbook = str(Path(sys.executable).with_name("ansible-playbook"))
    started = time.monotonic()
    out = _run([ansible_playbook, "-i", str(inventory), "site.yml"], timeout=PLAYBOOK_TIMEOUT)
    elapsed = time.monotonic() - started
    recap = [(int(c), int(u)) for c, u in RECAP_CHANGED.findall(out.stdout)]
    if not recap:
        raise RuntimeError("site.yml printed no PLAY RECAP")
    return elapsed, sum(changed for changed, _ in recap)


def _round(inventory: Path) -> tuple[float, float, float, int]:
    boot = _lab("up", inventory)
    try:
        cold, _ = _site(inventory)
        idempotent, changed = _site(inventory)
    finally:
        _lab("down", inventory)
    if changed:
        raise RuntimeError(f"second site.yml run reported changed={changed}, expected 0")
    return boot, cold, idempotent, changed


def run() -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        inventory = workdir / "inventory"
        shutil.copytree(SEED_GROUP_VARS, inventory / "group_vars")
        (inventory / "hosts.yml").write_text(HOSTS_YML)
        _lab("down", inventory)  # leftovers of an interrupted bench
        rounds = [_round(inventory) for _ in range(ROUNDS)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    boot, cold, idempotent, _ = (statistics.median(column) for column in zip(*rounds, strict=True))
    lab = statistics.median(b + c for b, c, _, _ in rounds)
    return [
        {"name": "lab up: boot 2 fresh machines", "value": round(boot, 1), "unit": "s"},
        {
            "name": "lab up + site.yml cold (what `make lab` does once the venv exists)",
            "value": round(lab, 1),
            "unit": "s",
        },
        {
            "name": "site.yml cold (fresh machines, caches warm)",
            "value": round(cold, 1),
            "unit": "s",
        },
        {
            "name": "site.yml idempotent rerun (changed=0)",
            "value": round(idempotent, 1),
            "unit": "s",
            "baseline": round(cold, 1),
            "ratio": round(idempotent / cold, 2),
        },
        {
            "name": f"(seed configuration at {MASTER}/{AGENT}, medians of {ROUNDS})",
            "value": "-",
            "unit": "-",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
