"""Ask nginx, over and over in a thread, whether it still answers while a fault happens."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from faults_cluster import nginx_answers

POLL_INTERVAL = 0.5
MAX_POLLS = 2400  # 20 minutes at POLL_INTERVAL: the thread ends even if nobody stops it


@dataclass
class NginxPoller:
    """Counts nginx's answers and failures from :meth:`start` until :meth:`stop`."""

    url: str
    answered: int = 0
    failed: int = 0
    failures_at: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started: float = 0.0

    def start(self) -> NginxPoller:
        """Start polling in a daemon thread."""
        self._thread = threading.Thread(target=self._poll, name="nginx-poller", daemon=True)
        self._started = time.monotonic()
        self._thread.start()
        return self

    def _poll(self) -> None:
        for _ in range(MAX_POLLS):
            if self._stop.is_set():
                return
            if nginx_answers(self.url):
                self.answered += 1
            else:
                self.failed += 1
                self.failures_at.append(round(time.monotonic() - self._started, 1))
            self._stop.wait(POLL_INTERVAL)

    def stop(self) -> NginxPoller:
        """Stop polling (bounded join) and return self for the counts."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        return self
