"""RecordIO decoder: every split point, random splits, malformed input, truncation."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mesos_client.errors import MesosError, RecordIODecodeError
from mesos_client.recordio import RecordIODecoder, encode

RECORDS = [
    b'{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"f-0000"}}}',
    b'{"type":"HEARTBEAT"}',
    b"",
    b"x" * 1234,
    '{"type":"MESSAGE","message":{"data":"\u00e9\u65e5"}}'.encode(),
    b"\n\n12\n",  # a record that itself looks like framing
]
STREAM = b"".join(encode(r) for r in RECORDS)


def decode_chunks(chunks: list[bytes], **kwargs: int) -> list[bytes]:
    decoder = RecordIODecoder(**kwargs)
    records: list[bytes] = []
    for chunk in chunks:
        records.extend(decoder.feed(chunk))
    decoder.close()
    return records


def test_encode_frames_with_decimal_length() -> None:
    assert encode(b"hello") == b"5\nhello"
    assert encode(b"") == b"0\n"


def test_whole_stream_in_one_chunk_gives_every_record() -> None:
    assert decode_chunks([STREAM]) == RECORDS


def test_every_single_split_point() -> None:
    for split in range(len(STREAM) + 1):
        assert decode_chunks([STREAM[:split], STREAM[split:]]) == RECORDS, split


def test_every_pair_of_split_points_in_a_short_stream() -> None:
    stream = b"".join(encode(r) for r in (b"ab", b"", b"{}", b"0123456789"))
    expected = [b"ab", b"", b"{}", b"0123456789"]
    for i in range(len(stream) + 1):
        for j in range(i, len(stream) + 1):
            assert decode_chunks([stream[:i], stream[i:j], stream[j:]]) == expected, (i, j)


def test_one_byte_at_a_time() -> None:
    assert decode_chunks([bytes([b]) for b in STREAM]) == RECORDS


def test_split_inside_a_multi_digit_length_prefix() -> None:
    record = b"y" * 12345
    framed = encode(record)
    assert framed.startswith(b"12345\n")
    decoder = RecordIODecoder()
    assert decoder.feed(framed[:2]) == []  # "12"
    assert decoder.feed(framed[2:4]) == []  # "34"
    assert decoder.feed(framed[4:5]) == []  # "5", newline not yet seen
    assert decoder.feed(framed[5:]) == [record]
    decoder.close()


def test_many_records_in_one_chunk() -> None:
    records = [json.dumps({"type": "HEARTBEAT", "n": i}).encode() for i in range(5000)]
    decoder = RecordIODecoder()
    assert decoder.feed(b"".join(encode(r) for r in records)) == records
    assert decoder.buffered == 0


def test_a_record_across_many_chunks_keeps_memory_bounded() -> None:
    record = bytes(range(256)) * 4096  # 1 MiB
    framed = encode(record)
    decoder = RecordIODecoder()
    out: list[bytes] = []
    for start in range(0, len(framed), 1000):
        out.extend(decoder.feed(framed[start : start + 1000]))
        assert decoder.buffered <= len(framed)
    assert out == [record]
    assert decoder.buffered == 0


def test_accepts_bytearray_and_memoryview_chunks() -> None:
    decoder = RecordIODecoder()
    assert decoder.feed(bytearray(STREAM[:10])) == []
    assert decoder.feed(memoryview(STREAM)[10:]) == RECORDS


def test_leading_zeros_in_length_are_decimal() -> None:
    assert decode_chunks([b"003\nabc"]) == [b"abc"]


@given(
    records=st.lists(st.binary(max_size=300), max_size=20),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
)
@settings(max_examples=300, deadline=None)
def test_random_records_and_random_splits(records: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(encode(r) for r in records)
    points = sorted({c % (len(stream) + 1) for c in cuts})
    bounds = [0, *points, len(stream)]
    chunks = [stream[a:b] for a, b in zip(bounds, bounds[1:])]
    assert decode_chunks(chunks) == records


@pytest.mark.parametrize(
    "data",
    [
        b"abc\n{}",  # letters
        b"-5\nhello",  # sign
        b"+5\nhello",
        b" 5\nhello",  # whitespace int() would accept
        b"5 \nhello",
        b"\nhello",  # empty prefix
        b"0x10\n" + b"a" * 16,
        "\u0665\nhello".encode(),  # a non-ASCII digit
    ],
)
def test_malformed_length_prefix_raises_decode_error(data: bytes) -> None:
    decoder = RecordIODecoder()
    with pytest.raises(RecordIODecodeError, match="length prefix"):
        decoder.feed(data)


def test_non_numeric_prefix_is_caught_before_its_newline_arrives() -> None:
    decoder = RecordIODecoder()
    with pytest.raises(RecordIODecodeError):
        decoder.feed(b"HTTP/1.1 200")


def test_oversized_length_raises() -> None:
    decoder = RecordIODecoder(max_record_size=100)
    with pytest.raises(RecordIODecodeError, match="exceeds"):
        decoder.feed(b"101\n")


def test_overlong_prefix_without_newline_raises_without_buffering_forever() -> None:
    decoder = RecordIODecoder(max_record_size=1000)
    with pytest.raises(RecordIODecodeError, match="exceeds"):
        decoder.feed(b"99999")


def test_record_of_exactly_the_maximum_is_accepted() -> None:
    assert decode_chunks([encode(b"z" * 100)], max_record_size=100) == [b"z" * 100]


def test_decoder_stays_failed_after_an_error() -> None:
    decoder = RecordIODecoder()
    with pytest.raises(RecordIODecodeError):
        decoder.feed(b"x\n")
    with pytest.raises(RecordIODecodeError):
        decoder.feed(encode(b"fine"))


@pytest.mark.parametrize("cut", [1, 3, len(encode(b"hello")) - 1])
def test_truncated_stream_raises_on_close(cut: int) -> None:
    decoder = RecordIODecoder()
    decoder.feed(encode(b"ok") + encode(b"hello")[:cut])
    with pytest.raises(RecordIODecodeError, match="stream ended inside"):
        decoder.close()


def test_clean_end_closes_quietly() -> None:
    decoder = RecordIODecoder()
    decoder.feed(STREAM)
    decoder.close()


def test_decode_error_is_a_mesos_error() -> None:
    assert issubclass(RecordIODecodeError, MesosError)


def test_max_record_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RecordIODecoder(max_record_size=0)


@settings(max_examples=200, deadline=None)
@given(
    records=st.lists(st.binary(max_size=40), max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=8),
)
def test_text_mode_gives_the_same_records(records: list[bytes], cuts: list[int]) -> None:
    """Records of an ASCII read (what is buffered plus the new chunk) come back as str, others
    as bytes; either way the same records in order, and an all-ASCII stream gives only str."""
    stream = b"".join(encode(r) for r in records)
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    decoder = RecordIODecoder(text=True)
    got: list[bytes] = []
    kinds: set[type] = set()
    for begin, end in zip(points, points[1:]):
        out = decoder.feed(stream[begin:end])
        kinds.update(type(r) for r in out)
        assert all(r.isascii() for r in out if isinstance(r, str))
        got.extend(r.encode() if isinstance(r, str) else r for r in out)
    decoder.close()
    assert got == records
    if records and stream.isascii():
        assert kinds == {str}


def test_text_mode_records_parse_as_json() -> None:
    events = [{"type": "HEARTBEAT"}, {"type": "UPDATE", "update": {"status": {"state": "é"}}}]
    decoder = RecordIODecoder(text=True)
    ascii_read = decoder.feed(encode(json.dumps(events[0]).encode()))
    other_read = decoder.feed(encode(json.dumps(events[1], ensure_ascii=False).encode()))
    assert [type(r) for r in ascii_read + other_read] == [str, bytes]
    assert [json.loads(r) for r in ascii_read + other_read] == events


def test_text_mode_reports_a_bad_prefix_as_bytes() -> None:
    with pytest.raises(RecordIODecodeError, match=r"b'x1'"):
        RecordIODecoder(text=True).feed(b"x1\nabc")
