"""Routes of the OAuth server and client-app registration."""

from starlette.routing import Route

from fediart.oauth import consent, endpoints

routes = [
    Route("/api/v1/apps", endpoints.create_app, methods=["POST"]),
    Route("/api/v1/apps/verify_credentials", endpoints.verify_app, methods=["GET"]),
    Route("/oauth/authorize", consent.authorize_page, methods=["GET"]),
    Route("/oauth/authorize", consent.authorize_decision, methods=["POST"]),
    Route("/oauth/token", endpoints.token, methods=["POST"]),
    Route("/oauth/revoke", endpoints.revoke, methods=["POST"]),
    Route("/.well-known/oauth-authorization-server", endpoints.metadata, methods=["GET"]),
]
