"""Command line: ``python -m lab host-deps|up|down|status|ssh`` (contract: docs/architecture.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from lab import down, hostdeps, sshcmd, status, up
from lab.errors import LabError
from lab.paths import LabPaths
from lab.progress import Progress

DEFAULT_INVENTORY = "inventories/local"
REPO_ROOT = Path(__file__).resolve().parent.parent
EXIT_ERROR = 2


def default_inventory() -> str:
    """inventories/local from the working directory, else from the checkout holding `lab/`."""
    here = Path(DEFAULT_INVENTORY)
    return str(here if here.exists() else REPO_ROOT / DEFAULT_INVENTORY)


def parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    top = argparse.ArgumentParser(prog="python -m lab", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("host-deps", help="install the host packages the lab needs (root)")
    p_up = sub.add_parser("up", help="boot the inventory's machines (idempotent)")
    p_up.add_argument("-i", "--inventory", default=None)
    p_down = sub.add_parser("down", help="stop and delete machines; last one removes the network")
    which = p_down.add_mutually_exclusive_group()
    which.add_argument("-i", "--inventory", default=None)
    which.add_argument("--all", action="store_true", help="every lab machine of every inventory")
    p_status = sub.add_parser("status", help="state of the inventory's machines and the network")
    p_status.add_argument("-i", "--inventory", default=None)
    p_status.add_argument("--json", action="store_true", help="machine-readable output")
    p_ssh = sub.add_parser("ssh", help="ssh as root into a machine (NAME or inventory host)")
    p_ssh.add_argument("name")
    p_ssh.add_argument("remote", nargs=argparse.REMAINDER, help="-- COMMAND...")
    return top


def _host_deps(args: argparse.Namespace, paths: LabPaths, progress: Progress) -> int:
    hostdeps.require_root("lab host-deps")
    installed = hostdeps.install_missing(progress)
    progress.line(f"installed {' '.join(installed)}" if installed else "host packages present")
    return 0


def _up(args: argparse.Namespace, paths: LabPaths, progress: Progress) -> int:
    return up.up(paths, args.inventory or default_inventory(), progress)


def _down(args: argparse.Namespace, paths: LabPaths, progress: Progress) -> int:
    inventory = None if args.all else (args.inventory or default_inventory())
    return down.down(paths, inventory, progress)


def _status(args: argparse.Namespace, paths: LabPaths, progress: Progress) -> int:
    return status.status(paths, args.inventory or default_inventory(), args.json)


def remote_command(args: argparse.Namespace) -> list[str]:
    """The command after `ssh NAME`, without the `--` separator (argparse may keep it)."""
    return args.remote[1:] if args.remote[:1] == ["--"] else list(args.remote)


def _ssh(args: argparse.Namespace, paths: LabPaths, progress: Progress) -> int:
    return sshcmd.ssh(paths, args.name, remote_command(args))


COMMANDS: dict[str, Callable[[argparse.Namespace, LabPaths, Progress], int]] = {
    "host-deps": _host_deps,
    "up": _up,
    "down": _down,
    "status": _status,
    "ssh": _ssh,
}


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; LabError becomes a one-line message and exit status 2."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, LabPaths.from_env(), Progress())
    except LabError as exc:
        print(f"lab: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("lab: interrupted; `python -m lab down` cleans up what was started", file=sys.stderr)
        return 130
