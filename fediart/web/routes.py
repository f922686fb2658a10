"""Routes of the web side: pages for people."""

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from fediart.activitypub.documents import actor
from fediart.web.home import home

routes = [
    Route("/", home),
    Route("/@{username}", actor),  # content-negotiated like Mastodon: JSON-LD for servers
    Mount("/static", app=StaticFiles(packages=[("fediart.web", "static")]), name="static"),
]
