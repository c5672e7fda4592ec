"""One gzip stream from pieces compressed apart (as pigz does), so that a shared page's two sides are
compressed once and only a visitor's mini cart is compressed for them.

Each piece is raw deflate from a compressor of its own, so it refers to nothing before it, and ends on
a byte boundary (a full flush); only the last piece is marked final. Put one after another behind a
gzip header, with the CRC-32 and length of the whole text after them, they are one valid stream
(RFC 1951 and RFC 1952). tests/test_gzipjoin.py checks it against Python's gzip for any pieces.
"""

import struct
import zlib
from collections.abc import Iterable

HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS


def deflate(data: bytes, *, last: bool, level: int = 6) -> bytes:
    """`data` as raw deflate blocks that join after any other piece; the final block only if `last`."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def member(deflated: Iterable[bytes], crc: int, size: int) -> bytes:
    """A gzip member of the deflated pieces, in order, whose text has CRC-32 `crc` and `size` bytes."""
    return HEADER + b"".join(deflated) + struct.pack("<II", crc, size & 0xFFFFFFFF)
