"""Routes of the web side: pages for people (the Atom feeds are in web/feeds.py, joined first by app.py)."""

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from fediart.activitypub.documents import actor
from fediart.web.albums import albums_list
from fediart.web.home import about, home
from fediart.web.interaction import authorize_interaction
from fediart.web.remote_follow import remote_follow
from fediart.web.studio.routes import routes as studio_routes
from fediart.web.tags import tag_page

routes = [
    Route("/", home),
    Route("/about", about),
    Route("/authorize_interaction", authorize_interaction),
    Route("/tags/{name}", tag_page),
    Route("/@{username}", actor),  # content-negotiated like Mastodon: JSON-LD for servers
    Route("/@{username}/remote_follow", remote_follow),
    Route("/@{username}/albums", albums_list),
    *studio_routes,
    Mount("/static", app=StaticFiles(packages=[("fediart.web", "static")]), name="static"),
]
