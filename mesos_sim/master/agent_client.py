"""The master's side of the internal master-agent link (HTTP POSTs to the agent's /sim/...)."""

from __future__ import annotations

import json
import logging

import aiohttp

from ..tls_client import client_session, refusal, scheme
from ..tls_context import TlsContexts

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0


class AgentUnreachable(RuntimeError):
    """The agent did not answer a /sim call."""


class AgentClient:
    """POSTs JSON to ``http(s)://<agent endpoint>/sim/<path>`` (https when SSL is on)."""

    def __init__(self, tls: TlsContexts | None = None) -> None:
        self.tls = tls
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the HTTP client session."""
        self.session = client_session(self.tls, limit=200, json_serialize=json.dumps)

    async def close(self) -> None:
        """Close the HTTP client session."""
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def post(
        self, endpoint: str, path: str, body: dict, timeout: float = DEFAULT_TIMEOUT
    ) -> dict:
        """POST ``body`` and return the JSON answer; AgentUnreachable on any failure."""
        if self.session is None:
            raise AgentUnreachable("master is shutting down")
        url = f"{scheme(self.tls)}://{endpoint}/sim/{path}"
        refused = refusal(self.tls, endpoint.rsplit(":", 1)[0])
        if refused is not None:
            raise AgentUnreachable(f"{url}: {refused}")
        try:
            async with self.session.post(
                url, json=body, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                text = await response.text()
                if response.status >= 300:
                    raise AgentUnreachable(f"{url} answered {response.status}: {text}")
                return json.loads(text) if text else {}
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise AgentUnreachable(f"{url}: {exc!r}") from None
