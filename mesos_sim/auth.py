"""HTTP Basic authentication of schedulers (libprocess's basic authenticator) and the
credentials file format Mesos reads (JSON ``{"credentials": [...]}`` or text lines).
"""

from __future__ import annotations

import base64
import binascii

from aiohttp import web

from .http_util import text_response
from .jsonparse import parse_json_body

SCHEDULER_REALM = "mesos-master-scheduler"


class CredentialsError(ValueError):
    """A credentials file Mesos would refuse."""


def parse_credentials(text: str) -> dict[str, str]:
    """principal -> secret, from JSON (``{"credentials": [{"principal", "secret"}]}``) or
    whitespace-separated ``principal secret`` lines."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = parse_json_body(stripped.encode())
        except ValueError as exc:
            raise CredentialsError(f"Failed to parse credentials JSON: {exc}") from None
        entries = document.get("credentials") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise CredentialsError("Expecting 'credentials' to be a JSON array")
        result = {}
        for entry in entries:
            if not isinstance(entry, dict) or "principal" not in entry:
                raise CredentialsError("Missing required fields: credentials[].principal")
            result[str(entry["principal"])] = str(entry.get("secret", ""))
        return result
    result = {}
    for line in stripped.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise CredentialsError(f"Invalid credential format at line: {line}")
        result[parts[0]] = parts[1]
    return result


class BasicAuthenticator:
    """Checks ``Authorization: Basic`` against the credentials; ``authenticate`` returns the
    principal or a 401 response carrying ``WWW-Authenticate: Basic realm="<realm>"``."""

    def __init__(self, realm: str, credentials: dict[str, str]) -> None:
        self.realm = realm
        self.credentials = credentials

    def unauthorized(self) -> web.Response:
        """The 401 challenge."""
        return text_response(
            401, "401 Unauthorized.", headers={"WWW-Authenticate": f'Basic realm="{self.realm}"'}
        )

    def authenticate(self, request: web.Request) -> str | web.Response:
        """The authenticated principal, or the 401 response to send."""
        header = request.headers.get("Authorization")
        if header is None:
            return self.unauthorized()
        components = header.split(" ")
        if len(components) != 2 or components[0] != "Basic":
            return self.unauthorized()
        try:
            decoded = base64.b64decode(components[1].encode(), validate=True).decode()
        except (binascii.Error, ValueError):
            return self.unauthorized()
        credential = decoded.split(":")
        if len(credential) != 2 or self.credentials.get(credential[0]) != credential[1]:
            return self.unauthorized()
        return credential[0]
