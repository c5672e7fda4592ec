"""Pieces compressed apart join into one gzip stream that any gzip reader takes whole."""

import gzip
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from core.pages import gzipjoin


def joined(parts: list[bytes], levels: list[int]) -> bytes:
    text = b"".join(parts)
    deflated = [
        gzipjoin.deflate(part, last=index == len(parts) - 1, level=level)
        for index, (part, level) in enumerate(zip(parts, levels, strict=True))
    ]
    return gzipjoin.member(deflated, zlib.crc32(text), len(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=5000), min_size=1, max_size=6), st.data())
def test_any_pieces_join_into_one_stream_of_their_text(parts, data):
    levels = data.draw(st.lists(st.integers(0, 9), min_size=len(parts), max_size=len(parts)))
    stream = joined(parts, levels)
    assert gzip.decompress(stream) == b"".join(parts)
    assert zlib.decompress(stream, wbits=31) == b"".join(parts)  # one member, nothing after it


def test_a_large_page_with_a_small_middle_joins_too():
    head, middle, tail = b"<head>" + b"x" * 200_000, "<p>2 items · €12</p>".encode(), b"y" * 70_000 + b"</html>"
    assert gzip.decompress(joined([head, middle, tail], [6, 1, 6])) == head + middle + tail
