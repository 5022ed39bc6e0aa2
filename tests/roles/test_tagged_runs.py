"""`site.yml --tags <layer>` works in every flavor, before any fact is gathered.

A tagged run skips the plays' fact gathering, but the roles' argument checks (tagged `always`)
still template every option, defaults included: a default that reads facts breaks every tagged
run of that flavor ("object of type 'dict' has no attribute 'distribution'"). The tag below
matches no task, so only those checks run, against this machine in check mode.
"""

from __future__ import annotations

import pytest

from .playbook_run import REPO, local_inventory, run_playbook

FLAVORS = {
    "simulator": {"mesos_flavor": "simulator"},
    "package, repository": {"mesos_flavor": "package"},
    "package, controller .deb": {"mesos_flavor": "package", "mesos_deb": "/nonexistent/mesos.deb"},
}


@pytest.mark.parametrize("flavor", list(FLAVORS))
def test_argument_checks_of_every_role_pass_without_facts(tmp_path, flavor):
    run = run_playbook(
        tmp_path,
        local_inventory(2181, **FLAVORS[flavor]),
        [{"ansible.builtin.import_playbook": str(REPO / "site.yml")}],
        "--tags",
        "no-such-layer",
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    validated = [
        t["task"]["name"] for t in run.tasks if "Validating arguments" in t["task"]["name"]
    ]
    # zookeeper, mesos_master (packages and main), mesos_agent and mesos_common's entry points.
    assert len(validated) >= 6, validated
