"""Raw HTTP/1.1 over a socket for tests that must see the bytes on the wire (chunked
encoding, RecordIO framing), independent of any HTTP client library's decoding."""

from __future__ import annotations

import json
import socket
import time


def post_request(
    host: str, port: int, path: str, body: bytes, headers: dict[str, str] | None = None
) -> bytes:
    """The bytes of a POST request."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def subscribe_body(name: str = "raw") -> bytes:
    """A SUBSCRIBE call body."""
    return json.dumps(
        {"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "root", "name": name}}}
    ).encode()


class RawResponse:
    """Reads a response's status line and headers, then de-chunks the body by hand."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buffer = b""
        self.chunks: list[bytes] = []
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split(" ")[1])
        self.headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def _fill(self) -> None:
        self.sock.settimeout(max(0.01, self.deadline - time.monotonic()))
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed")
        self.buffer += data

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"no {marker!r} in time")
            self._fill()
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _read_exact(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def next_chunk(self) -> bytes:
        """One HTTP chunk's payload (b"" for the last chunk)."""
        size = int(self._read_until(b"\r\n").split(b";")[0], 16)
        data = self._read_exact(size)
        assert self._read_exact(2) == b"\r\n", "chunk not terminated by CRLF"
        self.chunks.append(data)
        return data

    def records(self, count: int) -> list[bytes]:
        """Decode ``count`` RecordIO records from the de-chunked body, byte-exact."""
        body = b""
        records: list[bytes] = []
        while len(records) < count:
            body += self.next_chunk()
            while b"\n" in body:
                size, _, rest = body.partition(b"\n")
                if len(rest) < int(size):
                    break
                records.append(rest[: int(size)])
                body = rest[int(size) :]
        return records
