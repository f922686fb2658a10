"""Sending a stored object as an HTTP response: a local file as a file (ranges, sendfile), an S3 object streamed."""

from __future__ import annotations

from email.utils import format_datetime

from starlette.responses import FileResponse, Response, StreamingResponse

from fediart.media.storage import Opened


def stored_response(opened: Opened, media_type: str, headers: dict[str, str], filename: str) -> Response:
    """The response for an opened object, with these headers and an inline Content-Disposition."""
    if opened.path is not None:
        return FileResponse(opened.path, media_type=media_type, headers=headers, filename=filename,
                            content_disposition_type="inline")
    sent = {**headers, "Content-Length": str(opened.size), "Content-Disposition": f'inline; filename="{filename}"'}
    if opened.etag:
        sent["ETag"] = opened.etag
    if opened.modified is not None:
        sent["Last-Modified"] = format_datetime(opened.modified, usegmt=True)
    return StreamingResponse(opened.chunks, media_type=media_type, headers=sent)
