# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""RecordIO framing used by the Mesos streaming APIs, without any I/O.

A RecordIO stream is a sequence of ``<decimal length>\\n<length bytes>``. HTTP chunk
boundaries have nothing to do with record boundaries: a record may span many chunks, a chunk
may hold many records, and a chunk may even end inside the length prefix. The decoder keeps
the undecoded tail in one ``bytearray`` and compacts it once per ``feed``, so the cost of a
call is linear in the bytes it is given.

With ``text=True`` a read that is all ASCII (what the masters send: JSON escapes everything
else) is decoded to text once and its records come back as ``str``, which ``json.loads``
parses without detecting and decoding each record's encoding itself; records of any other
read come back as ``bytes``, as without it.
"""

from __future__ import annotations

from .errors import RecordIODecodeError

DEFAULT_MAX_RECORD_SIZE = 64 * 1024 * 1024
_LENGTH_CACHE_SIZE = 4096


def encode(record: bytes) -> bytes:
    """Frame one record: ``b"5\\nhello"`` for ``b"hello"``."""
    return b"%d\n%s" % (len(record), record)


class RecordIODecoder:
    """Incremental RecordIO decoder: ``feed(chunk)`` returns the records it completed.

    Raises :class:`RecordIODecodeError` for a length prefix that is empty, not decimal or
    larger than ``max_record_size``, and from :meth:`close` when the stream ended inside a
    record. After an error the decoder is unusable (the stream is out of sync).
    """

    def __init__(self, max_record_size: int = DEFAULT_MAX_RECORD_SIZE, text: bool = False) -> None:
        if max_record_size < 1:
            raise ValueError("max_record_size must be positive")
        self.max_record_size = max_record_size
        self._max_prefix_digits = len(str(max_record_size))
        self._buffer = bytearray()
        # Length of the record being assembled once its prefix is known, else None.
        self._pending: int | None = None
        self._failed: RecordIODecodeError | None = None
        # Event sizes repeat (every HEARTBEAT is the same); a dict lookup is cheaper than
        # validating and converting the same prefix again.
        self._lengths: dict[bytes | str, int] = {}
        self._text = text

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as a record (prefix bytes included)."""
        return len(self._buffer)

    def feed(self, data: bytes | bytearray | memoryview) -> list[bytes] | list[str]:
        """Add ``data`` and return every record it completed, in order."""
        if self._failed is not None:
            raise self._failed
        if not data:
            return []
        buffer = self._buffer
        if buffer:
            buffer += data
            if self._pending is not None and len(buffer) < self._pending:
                return []  # still inside a long record: appending is all the work
            data = bytes(buffer)
            buffer.clear()
        elif not isinstance(data, bytes):
            data = bytes(data)
        if self._text and data.isascii():
            records, consumed = self._parse(data.decode("ascii"))  # same offsets as the bytes
        else:
            records, consumed = self._parse(data)
        if consumed < len(data):
            buffer += memoryview(data)[consumed:]
        return records

    def close(self) -> None:
        """Declare the end of the stream; raise if it ended inside a record."""
        if self._failed is not None:
            raise self._failed
        if self._pending is not None:
            raise self._fail(
                f"stream ended inside a record: {len(self._buffer)} of "
                f"{self._pending} bytes received"
            )
        if self._buffer:
            raise self._fail(f"stream ended inside a length prefix ({len(self._buffer)} bytes)")

    def _parse(self, data: bytes | str) -> tuple[list, int]:
        """Decode complete records from ``data``; return them and the bytes consumed.

        On entry ``self._pending`` is the length of a record whose body starts at
        ``data[0]`` (its prefix was consumed by an earlier call), or None.
        """
        records: list = []
        append = records.append
        find = data.find
        newline_mark = "\n" if isinstance(data, str) else b"\n"
        size = len(data)
        prefix_window = self._max_prefix_digits + 1
        lengths = self._lengths
        pos = 0
        pending = self._pending
        self._pending = None
        if pending is not None:
            if pending > size:
                self._pending = pending
                return records, 0
            append(data[:pending])
            pos = pending
        while True:
            newline = find(newline_mark, pos, pos + prefix_window)
            if newline < 0:
                tail = data[pos:]
                if len(tail) >= prefix_window or not (tail.isdigit() or not tail):
                    raise self._fail(self._describe_bad_prefix(tail))
                return records, pos
            prefix = data[pos:newline]
            length = lengths.get(prefix)
            if length is None:
                length = self._length(prefix)
            start = newline + 1
            end = start + length
            if end > size:
                self._pending = length
                return records, start
            append(data[start:end])
            pos = end

    def _length(self, prefix: bytes | str) -> int:
        """Validate and convert a length prefix, remembering it for the next record."""
        if not prefix.isdigit():
            raise self._fail(self._describe_bad_prefix(prefix))
        length = int(prefix)
        if length > self.max_record_size:
            raise self._fail(
                f"record length {length} exceeds the maximum of {self.max_record_size} bytes"
            )
        if len(self._lengths) < _LENGTH_CACHE_SIZE:
            self._lengths[prefix] = length
        return length

    def _describe_bad_prefix(self, prefix: bytes | bytearray | str) -> str:
        shown = prefix[:16].encode() if isinstance(prefix, str) else bytes(prefix[:16])
        if prefix.isdigit():
            return f"record length prefix {shown!r}... exceeds {self.max_record_size} bytes"
        return f"invalid record length prefix {shown!r} (expected decimal digits and a newline)"

    def _fail(self, message: str) -> RecordIODecodeError:
        self._failed = RecordIODecodeError(message)
        return self._failed
