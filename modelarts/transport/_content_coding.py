"""Content codings a recorder can see through: ``gzip`` and ``deflate``.

The live transports hand a body back as it was on the wire, compressed if the
server compressed it anyway (``modelarts/transport/live.py``). A recorder must
look inside before it scrubs and checks for secrets, so it stores the decoded
body with its ``content-encoding`` header, and replay encodes it again: what
the Session then sees is what it saw live. A coding it cannot read (``br``,
``zstd``, ``compress``, several stacked, damaged data) could hide anything, so
such an answer is not recorded at all (``RecordingTransport.send``).
"""

from __future__ import annotations

import zlib
from typing import Optional

__all__ = ["MAX_DECODED_BYTES", "decode_content", "encode_content", "coding_of"]

#: The most a compressed body may expand to when the recorder decodes it (64 MiB):
#: far above any ModelArts answer, and a bound on a decompression bomb.
MAX_DECODED_BYTES = 64 * 1024 * 1024

_GZIP = ("gzip", "x-gzip")
_READABLE = (*_GZIP, "deflate")


def coding_of(header: Optional[str]) -> str:
    """The coding a ``Content-Encoding`` value names, lower case; ``""`` for none or identity."""
    coding = (header or "").strip().lower()
    return "" if coding == "identity" else coding


def decode_content(data: bytes, coding: str) -> bytes:
    """``data`` decoded from ``coding`` (see ``coding_of``); ``ValueError`` saying why not."""
    if not coding or not data:
        return data
    if coding not in _READABLE:
        raise ValueError(f"content coding {coding!r} cannot be decoded (only gzip and deflate)")
    if coding in _GZIP:
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif data[:1] == b"\x78":  # zlib-wrapped, as RFC 9110 says deflate is
        decoder = zlib.decompressobj()
    else:  # raw deflate, as some servers send it
        decoder = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        decoded = decoder.decompress(data, MAX_DECODED_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"the {coding} body is damaged ({exc})") from None
    if len(decoded) > MAX_DECODED_BYTES:
        raise ValueError(f"the {coding} body expands beyond {MAX_DECODED_BYTES} bytes")
    if not decoder.eof or decoder.unused_data:
        raise ValueError(f"the {coding} body is cut short or followed by other data")
    return decoded


def encode_content(data: bytes, coding: str) -> bytes:
    """``data`` encoded again for replay (deterministic: no time stamp in a gzip header)."""
    if not coding or not data:
        return data
    if coding in _GZIP:
        import gzip  # only a replayed compressed answer needs it

        return gzip.compress(data, mtime=0)
    if coding == "deflate":
        return zlib.compress(data)
    raise ValueError(f"content coding {coding!r} cannot be encoded")
