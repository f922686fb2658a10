"""Sending a stored object as an HTTP response, whole or the one range asked for, the same from either backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from fediart.media.ranges import Selection, wanted_bytes
from fediart.media.storage import Opened, Storage


async def open_stored(storage: Storage, name: str, request: Request) -> Opened | None:
    """The object `request` asks for, or None when there is none."""
    # A plain GET wants every byte: S3 fetches them with the metadata, in one round trip. A Range or a
    # HEAD asks only for the metadata first, so that no byte the client will not get leaves the bucket.
    whole = request.method == "GET" and "range" not in request.headers
    return await storage.open_async(name, prefetch=whole)


def stored_response(request: Request, opened: Opened, media_type: str, headers: dict[str, str],
                    filename: str) -> Response:
    """The response to `request` for an opened object: all of it, the range asked for (206), or 416."""
    validators = {}
    if opened.etag:
        validators["ETag"] = opened.etag
    if opened.modified is not None:
        validators["Last-Modified"] = format_datetime(opened.modified, usegmt=True)
    wanted = wanted_bytes(request.headers.get("range"), request.headers.get("if-range"), opened.size,
                          validators.get("ETag", ""), validators.get("Last-Modified", ""))
    if wanted.selection is Selection.UNSATISFIABLE:
        # The licence still applies to what was asked about; a cache must not keep the refusal for the file.
        refused = {**headers, "Cache-Control": "no-store", "Content-Range": f"bytes */{opened.size}"}
        return Response(status_code=416, headers=refused)
    sent = {**headers, **validators, "Accept-Ranges": "bytes", "Content-Length": str(wanted.end - wanted.start),
            "Content-Disposition": f'inline; filename="{filename}"'}
    status = 200
    if wanted.selection is Selection.PART:
        status = 206
        sent["Content-Range"] = f"bytes {wanted.start}-{wanted.end - 1}/{opened.size}"
    body = _nothing() if request.method == "HEAD" else opened.read(wanted.start, wanted.end)
    return StreamingResponse(body, status_code=status, media_type=media_type, headers=sent)


async def _nothing() -> AsyncIterator[bytes]:
    # A HEAD answer has headers only: reading the object (a GET on S3) would be wasted.
    return
    yield b""
