"""Print, as JSON, where the installed Apache Mesos package put its daemons and whether it
ships mesos-init-wrapper and systemd units of its own.

AVENTER's aventer-mesos has /usr/bin/mesos-{master,agent}, /usr/bin/mesos-init-wrapper and
units in /lib/systemd/system; a plain `make install` build (the .deb in shared/mesos) has
/usr/sbin/mesos-{master,agent} and neither. Only files a Debian package owns count as shipped:
the role's own wrapper and units are not.

The role runs it with no arguments; `--root DIR --admindir DIR` look at another root file
system and dpkg database instead (the tests' fake installations).
"""

import argparse
import json
import os
import subprocess

BIN_DIRS = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")
UNIT_DIRS = ("/lib/systemd/system", "/usr/lib/systemd/system")
UNITS = {"master": "mesos-master.service", "agent": "mesos-agent.service"}


class Installation:
    """The files under ``root`` and the dpkg database that says who owns them."""

    def __init__(self, root="/", admindir=None):
        self.root = root
        self.admindir = admindir

    def _on_disk(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def owning_package(self, path):
        command = ["dpkg-query", "-S", path]
        if self.admindir:
            command.insert(1, "--admindir=" + self.admindir)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            return None
        return result.stdout.split(":", 1)[0].strip() or None

    def first_executable(self, name):
        for directory in BIN_DIRS:
            path = os.path.join(directory, name)
            on_disk = self._on_disk(path)
            if os.path.isfile(on_disk) and os.access(on_disk, os.X_OK):
                return path
        return None

    def packaged_file(self, paths):
        for path in paths:
            if os.path.isfile(self._on_disk(path)) and self.owning_package(path):
                return path
        return None

    def layout(self):
        daemons = {c: self.first_executable("mesos-" + c) for c in UNITS}
        wrapper = self.packaged_file(os.path.join(d, "mesos-init-wrapper") for d in BIN_DIRS)
        units = {
            component: self.packaged_file(os.path.join(d, unit) for d in UNIT_DIRS)
            for component, unit in UNITS.items()
        }
        master = daemons["master"]
        return {
            "daemons": daemons,
            "package": self.owning_package(master) if master else None,
            "wrapper": wrapper,
            "units": units,
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--root", default="/")
    parser.add_argument("--admindir")
    args = parser.parse_args()
    print(json.dumps(Installation(args.root, args.admindir).layout(), sort_keys=True))


if __name__ == "__main__":
    main()
