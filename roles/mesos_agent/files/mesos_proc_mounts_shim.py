#!/usr/bin/env python
"""A copy of libmesos in /usr/local/lib that does not bind-mount /proc/sysrq-trigger.

Mesos's filesystem/linux isolator bind-mounts /proc/sysrq-trigger read-only into every
container with an image, without checking it exists. On kernels built without
CONFIG_MAGIC_SYSRQ there is no such file, and every image task fails with "Failed to
prepare mounts: Failed to create mount target '<rootfs>/proc/sysrq-trigger': No such file
or directory". The copy names /proc/uptime there instead (a file every procfs has, mounted
read-only over itself). The package's own file stays untouched; /usr/local/lib comes first
in the loader's search, and removing the copy (--remove) restores the package's behaviour.

Usage: mesos_proc_mounts_shim.py LIBMESOS [--remove]; prints "changed" or "unchanged".
"""

import os
import subprocess
import sys

OLD = b"/proc/sysrq-trigger\x00"
NEW = b"/proc/uptime".ljust(len(OLD), b"\x00")
TARGET_DIR = os.environ.get("MESOS_LAB_SHIM_DIR", "/usr/local/lib")  # another dir: tests


def patched(data):
    if data.count(OLD) != 1:
        found = data.count(OLD)
        raise SystemExit(f"expected one {OLD[:-1].decode()!r} in the library, found {found}")
    return data.replace(OLD, NEW)


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != "--remove"):
        raise SystemExit(__doc__.strip().splitlines()[-1])
    source = argv[1]
    target = os.path.join(TARGET_DIR, os.path.basename(source))
    if len(argv) == 3:
        if not os.path.exists(target):
            print("unchanged")
            return 0
        os.unlink(target)
    else:
        with open(source, "rb") as handle:
            wanted = patched(handle.read())
        try:
            with open(target, "rb") as handle:
                if handle.read() == wanted:
                    print("unchanged")
                    return 0
        except FileNotFoundError:
            pass
        partial = target + ".partial"
        with open(partial, "wb") as handle:
            handle.write(wanted)
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    subprocess.run(["ldconfig"], check=True)
    print("changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
