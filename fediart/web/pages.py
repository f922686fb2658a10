"""Rendering a page: template + licence meta + licence headers, in one place for every HTML route."""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse

from fediart.cache import Rendered
from fediart.licence.headers import http_headers
from fediart.licence.html import schema_org_script
from fediart.licence.model import Licence
from fediart.services import Services


def render_page(services: Services, template: str, licence: Licence, *, schema: dict[str, Any] | None = None,
                status: int = 200, **context: Any) -> HTMLResponse:
    html = services.templates.get_template(template).render(
        instance_name=services.config.server.instance_name,
        base_url=services.urls.base,
        licence=licence,
        schema_json=schema_org_script(schema) if schema else None,
        **context,
    )
    headers = {**http_headers(licence), "Vary": "Accept"}
    return HTMLResponse(html, status_code=status, headers=headers)


def as_rendered(page: HTMLResponse) -> Rendered:
    """A rendered page as the document cache keeps it (its length and type are set again when served)."""
    headers = {k: v for k, v in page.headers.items() if k not in ("content-length", "content-type")}
    return Rendered(page.body, "text/html; charset=utf-8", headers, status=page.status_code)
