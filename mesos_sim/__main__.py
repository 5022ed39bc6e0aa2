"""``python -m mesos_sim master|agent [--flag=value ...]``."""

from __future__ import annotations

import asyncio
import os
import sys

from . import VERSION_LINE
from .flag_specs import AGENT, MASTER
from .flags import FlagError, Flags
from .process import StartupError, setup_logging
from .ssl_flags import load_ssl_settings
from .tls_context import TlsContexts, build_tls_contexts

PROGRAMS = {"master": ("mesos-master", MASTER), "agent": ("mesos-agent", AGENT)}
USAGE = "Usage: python -m mesos_sim master|agent [--flag=value ...] (see --help)"


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("--version", "version"):
        print(VERSION_LINE)
        return 0
    if not args or args[0] not in PROGRAMS:
        print(USAGE, file=sys.stderr)
        return 1
    role, rest = args[0], args[1:]
    program, specs = PROGRAMS[role]
    flags = Flags(specs)
    try:
        flags.load(rest, os.environ)
        load_error = None
    except FlagError as exc:
        load_error = str(exc)
    if flags.text("help") == "true":
        print(flags.usage(program))
        return 0
    if flags.text("version") == "true":
        print(VERSION_LINE)
        return 0
    if load_error is not None:
        print(
            f"{load_error}\n\nSee `{program} --help` for a list of supported flags.",
            file=sys.stderr,
        )
        return 1
    setup_logging(flags.logging_level)
    try:
        tls = build_tls_contexts(load_ssl_settings(os.environ))
        return asyncio.run(_run(role, flags, tls))
    except StartupError as exc:
        print(str(exc), file=sys.stderr)
        return 1


async def _run(role: str, flags: Flags, tls: TlsContexts | None) -> int:
    if role == "master":
        from .master.app import MasterProcess

        return await MasterProcess(flags, tls).run()
    from .agent.app import AgentProcess

    return await AgentProcess(flags, tls).run()


if __name__ == "__main__":
    sys.exit(main())
