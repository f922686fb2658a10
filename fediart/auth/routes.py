"""Routes of the sign-in pages."""

from starlette.routing import Route

from fediart.auth.pages import login_form, login_submit, logout

routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
