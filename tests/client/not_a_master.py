"""A real nginx on a free loopback port that answers 404 to everything: an address in a
master list that is no Mesos master (as a master still starting answers, for a moment)."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.ports import free_port
from tests.support.sim import http_status
from tests.support.wait import wait_until

CONFIG = """daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{ return 404; }}
    }}
}}
"""


@contextlib.contextmanager
def answering_404() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of an nginx answering 404; stopped by pid at the end."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    directory = Path(tempfile.mkdtemp(prefix="not-a-master-"))
    port = free_port()
    config = directory / "nginx.conf"
    config.write_text(CONFIG.format(dir=directory, port=port))
    process = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(directory)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_status(url + "/") == 404, 10, 0.05, f"nginx on {url}")
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGQUIT)  # nginx: graceful stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)
