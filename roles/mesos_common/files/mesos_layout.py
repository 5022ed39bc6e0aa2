"""Print, as JSON, where the installed Apache Mesos package put its daemons and whether it
ships mesos-init-wrapper and systemd units of its own.

AVENTER's aventer-mesos has /usr/bin/mesos-{master,agent}, /usr/bin/mesos-init-wrapper and
units in /lib/systemd/system; a plain `make install` build (the .deb in shared/mesos) has
/usr/sbin/mesos-{master,agent} and neither. Only files a Debian package owns count as shipped:
the role's own wrapper and units are not.
"""

import json
import os
import subprocess

BIN_DIRS = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")
UNIT_DIRS = ("/lib/systemd/system", "/usr/lib/systemd/system")
UNITS = {"master": "mesos-master.service", "agent": "mesos-agent.service"}


def owning_package(path):
    result = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None
    return result.stdout.split(":", 1)[0].strip() or None


def first_executable(name):
    for directory in BIN_DIRS:
        path = os.path.join(directory, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def packaged_file(paths):
    for path in paths:
        if os.path.isfile(path) and owning_package(path):
            return path
    return None


def layout():
    daemons = {component: first_executable("mesos-" + component) for component in UNITS}
    wrapper = packaged_file(os.path.join(d, "mesos-init-wrapper") for d in BIN_DIRS)
    units = {
        component: packaged_file(os.path.join(d, unit) for d in UNIT_DIRS)
        for component, unit in UNITS.items()
    }
    master = daemons["master"]
    return {
        "daemons": daemons,
        "package": owning_package(master) if master else None,
        "wrapper": wrapper,
        "units": units,
    }


if __name__ == "__main__":
    print(json.dumps(layout(), sort_keys=True))
