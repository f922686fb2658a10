"""/studio: the artist's landing page in the studio: their recent works and what needs attention."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.web.studio.base import Studio, studio_page


@studio_page
async def studio_home(request: Request, studio: Studio) -> Response:
    return studio.render("studio/home.html")


routes = [Route("/studio", studio_home, methods=["GET"])]
