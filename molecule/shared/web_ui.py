"""A Mesos master's web UI in a real browser: Debian's chromium, headless, driven by playwright.

``render(url, expect=[...], screenshot=path)`` opens the page, waits (bounded) until the
page's JavaScript has put every expected text into the DOM, saves a screenshot and returns
the rendered text and tables. The browser is the system's ``/usr/bin/chromium`` (playwright
downloads nothing) with a fresh profile per call.

Only loopback and lab addresses are ever contacted: the page's address is checked with
``lab.network.require_lab_address`` before navigating (loopback is allowed for tests on the
host), and every request the page makes is checked the same way and aborted otherwise
(``RenderedPage.blocked`` lists them).
"""

from __future__ import annotations

import ipaddress
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from lab.errors import LabError
from lab.network import require_lab_address

CHROMIUM = "/usr/bin/chromium"
# Flags that work as root in a container without a display or a GPU, and keep chromium from
# calling home (component updates, sync, field trials).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
POLL_SECONDS = 0.25
# Starting chromium and loading the page's own files, bounded apart from the wait for the
# expected text (a loaded host can take many seconds to start a browser).
LAUNCH_TIMEOUT = 90.0
LOAD_TIMEOUT = 60.0
# Every table's rows as lists of cell texts (header rows included).
TABLES_JS = """() => Array.from(document.querySelectorAll('table')).map(t => ({
  title: t.getAttribute('title') || t.getAttribute('id') || '',
  rows: Array.from(t.querySelectorAll('tr')).map(r =>
    Array.from(r.querySelectorAll('th,td')).map(c => c.innerText.trim()))
}))"""


@dataclass
class RenderedPage:
    """What the browser showed: the DOM's visible text, its tables, the screenshot."""

    url: str
    text: str
    tables: list[dict] = field(default_factory=list)
    screenshot: Path | None = None
    blocked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def rows_with(self, *cells: str) -> list[list[str]]:
        """Table rows that contain every one of ``cells`` (as whole cell texts)."""
        return [
            row
            for table in self.tables
            for row in table["rows"]
            if all(cell in row for cell in cells)
        ]


def check_address(host: str) -> None:
    """Allow loopback and lab addresses (checked by ``require_lab_address``); refuse the rest.

    ``localhost`` counts as loopback: a master started without ``--hostname`` on 127.0.0.1
    advertises it, and the real UI then fetches its state from that name.
    """
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    require_lab_address(host)


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "about", "blob"):
        return True
    try:
        check_address(parts.hostname or "")
    except LabError:
        return False
    return True


def render(
    url: str,
    *,
    expect: list[str],
    screenshot: Path,
    timeout: float = 30.0,
) -> RenderedPage:
    """Open ``url``; wait until every text in ``expect`` is in the DOM or ``timeout`` passed.

    ``timeout`` bounds the wait for the text after the page has loaded; starting the browser
    and loading are bounded by LAUNCH_TIMEOUT and LOAD_TIMEOUT.

    Returns what was rendered by then; ``missing`` lists the expected texts that never
    appeared (callers assert on it, so a page that does not render fails with its text).
    """
    from playwright.sync_api import sync_playwright  # imported late: only browser tests need it

    check_address(urlsplit(url).hostname or "")
    blocked: list[str] = []

    def guard(route, request) -> None:
        if _allowed(request.url):
            route.continue_()
        else:
            blocked.append(request.url)
            route.abort()

    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="web-ui-profile-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            timeout=LAUNCH_TIMEOUT * 1000,
        )
        try:
            context.route("**/*", guard)
            page = context.new_page()
            page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT * 1000)
            deadline = time.monotonic() + timeout
            text = page.inner_text("body")
            while any(e not in text for e in expect) and time.monotonic() < deadline:
                page.wait_for_timeout(POLL_SECONDS * 1000)
                text = page.inner_text("body")
            tables = page.evaluate(TABLES_JS)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            context.close()
    return RenderedPage(
        url=url,
        text=text,
        tables=tables,
        screenshot=screenshot,
        blocked=blocked,
        missing=[e for e in expect if e not in text],
    )


def screenshot_path(root: Path, name: str) -> Path:
    """``<root>/.cache/web-ui/<name>.png``: where screenshots are kept for people to look at."""
    return root / ".cache" / "web-ui" / f"{name}.png"
