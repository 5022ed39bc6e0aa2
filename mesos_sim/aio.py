"""Background tasks that are kept referenced and whose failures are logged, not lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine

log = logging.getLogger(__name__)
_running: set[asyncio.Task] = set()


def spawn(coro: Coroutine, name: str = "") -> asyncio.Task:
    """Run ``coro`` in the background; exceptions are logged with ``name``."""
    task = asyncio.ensure_future(coro)
    _running.add(task)
    task.add_done_callback(lambda t: _finished(t, name))
    return task


def _finished(task: asyncio.Task, name: str) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("Background task %s failed: %r", name or task.get_name(), exc, exc_info=exc)


async def cancel_all() -> None:
    """Cancel every background task (shutdown)."""
    tasks = list(_running)
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
