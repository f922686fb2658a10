"""Which bytes of a stored object a request asks for (RFC 9110 Range and If-Range), decided without I/O.

Browsers and video players seek with `Range: bytes=a-b`, `bytes=a-` and `bytes=-n`; a CDN in front asks
for ranges too. One range is served as a part (206). Anything else in a Range header is ignored and the
whole object sent (200), as RFC 9110 allows: an unknown unit, a malformed or backwards range, and several
ranges at once (a multipart answer would cost more than the whole image it slices). A range that starts
past the end cannot be served (416). Both storage backends answer through this one decision, so a file
seeks the same from a local folder as from a bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

_ONE_RANGE = re.compile(r"(\d*)-(\d*)", re.ASCII)


class Selection(Enum):
    WHOLE = "whole"                  # 200 with every byte
    PART = "part"                    # 206 with bytes [start, end)
    UNSATISFIABLE = "unsatisfiable"  # 416: no byte of the object is in the range


@dataclass(frozen=True)
class Wanted:
    """The answer to a request for an object of a known size."""

    selection: Selection
    start: int = 0
    end: int = 0  # exclusive


def wanted_bytes(range_header: str | None, if_range: str | None, size: int, etag: str, modified: str) -> Wanted:
    """What to send of an object of `size` bytes, given the request's Range and If-Range headers and the
    object's validators (its ETag and Last-Modified as sent)."""
    whole = Wanted(Selection.WHOLE, 0, size)
    if range_header is None:
        return whole
    # If-Range: the part only if the client's copy is this very object (a strong, exact match), else all of it.
    if if_range is not None and (if_range.startswith("W/") or if_range not in {etag, modified} - {""}):
        return whole
    unit, equals, specs = range_header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return whole
    parts = [part.strip() for part in specs.split(",") if part.strip()]
    if len(parts) != 1:
        return whole
    matched = _ONE_RANGE.fullmatch(parts[0])
    if matched is None or matched.group(0) == "-":
        return whole
    try:
        first = int(matched.group(1)) if matched.group(1) else None
        last = int(matched.group(2)) if matched.group(2) else None
    except ValueError:  # more digits than int() accepts: nobody's real request
        return whole
    if first is None:  # "-n": the last n bytes, or all of them when the object is shorter
        if last == 0 or size == 0:
            return Wanted(Selection.UNSATISFIABLE)
        return Wanted(Selection.PART, max(size - last, 0), size)
    if last is not None and last < first:
        return whole
    if first >= size:
        return Wanted(Selection.UNSATISFIABLE)
    return Wanted(Selection.PART, first, size if last is None else min(last + 1, size))
