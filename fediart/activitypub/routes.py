"""Routes of the ActivityPub side: discovery, actors, the extension context."""

from starlette.routing import Route

from fediart.activitypub import albums, documents, nodeinfo, webfinger

routes = [
    Route("/.well-known/webfinger", webfinger.webfinger),
    Route("/.well-known/host-meta", webfinger.host_meta),
    Route("/.well-known/host-meta.json", webfinger.host_meta),
    Route("/.well-known/nodeinfo", nodeinfo.discovery),
    Route("/nodeinfo/{version}", nodeinfo.nodeinfo),
    Route("/users/{username}", documents.actor),
    Route("/actor", documents.instance_actor),
    Route("/ns/fediart.jsonld", documents.extension_context),
    *albums.routes,
]
