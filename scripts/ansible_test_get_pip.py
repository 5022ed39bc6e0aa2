"""Stand-in for ansible-test's get-pip bootstrap script, which it downloads from a host we
cannot reach (ci-files.testing.ansible.com) and caches as ~/.ansible/test/cache/get_pip_X_Y.py.

Like get-pip.py, it runs pip's own ``install`` with the arguments ansible-test passes (``pip==X.Y``
and the other pinned packages, fetched from PyPI), minus get-pip's own ``--no-setuptools`` and
``--no-wheel``; the pip that does it is the wheel bundled with the interpreter's ensurepip.
scripts/collection-sanity copies it into the cache of a HOME of its own.
"""

import ensurepip
import glob
import os
import sys

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def bundled_pip_wheel():
    bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
    wheels = sorted(glob.glob(os.path.join(bundled, "pip-*.whl")))
    if not wheels:
        sys.exit("get-pip stand-in: this Python's ensurepip bundles no pip wheel")
    return wheels[-1]


def main():
    sys.path.insert(0, bundled_pip_wheel())
    from pip._internal.cli.main import main as pip_main

    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    sys.exit(pip_main(["install", "--upgrade", "--force-reinstall", *args]))


if __name__ == "__main__":
    main()
