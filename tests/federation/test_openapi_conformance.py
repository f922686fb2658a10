"""schemathesis against a running fediart, with the OpenAPI description fediart serves.

Every operation is called with generated parameters and bodies (signed in as an artist with a few
posts, a follower and notifications, so lists are not empty): no answer may be a 5xx, every documented
answer must match its schema, and every answer must be JSON. What the description promises is what
clients get.
"""

from __future__ import annotations

import asyncio

import httpx
import schemathesis
from clients.browser import approve_in_browser
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from fediart.api.openapi import openapi_document

PASSWORD = "a long enough password"
OOB = "urn:ietf:wg:oauth:2.0:oob"


def token_for(base_url: str, username: str) -> str:
    """An access token through the real app registration, pages and token endpoint."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        app = http.post("/api/v1/apps", data={"client_name": "schemathesis", "redirect_uris": OOB,
                                              "scopes": "read write follow push"}).json()
        url = str(httpx.URL(base_url + "/oauth/authorize", params={
            "response_type": "code", "client_id": app["client_id"], "redirect_uri": OOB,
            "scope": "read write follow push"}))
        code, _ = approve_in_browser(url, username, PASSWORD)
        token = http.post("/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                "client_id": app["client_id"], "client_secret": app["client_secret"],
                                                "redirect_uri": OOB}).json()
    return token["access_token"]


async def test_every_operation_answers_as_the_description_says(instances):
    art, friends = await instances("art"), await instances("friends")
    art.cli("user", "create", "ana")
    art.cli("user", "password", "ana", "--password-stdin", input=PASSWORD + "\n")
    friends.cli("user", "create", "bob")
    friends.cli("follow", "bob", art.handle("ana"))
    for n in range(3):
        art.cli("post", "ana", "--text", f"Study {n} #ink")
    token = await asyncio.to_thread(token_for, art.base_url, "ana")
    headers = {"Authorization": f"Bearer {token}"}

    schema = schemathesis.openapi.from_dict(openapi_document(art.base_url, "test"))
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    def exercise(operation) -> None:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            response = case.call(base_url=art.base_url, headers=headers)
            case.validate_response(response, checks=checks)

        check()

    for operation in operations:
        await asyncio.to_thread(exercise, operation)
