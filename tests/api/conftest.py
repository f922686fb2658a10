"""Fixtures for client-API tests: a bearer token for an artist, made as /oauth/token would."""

import pytest

from fediart.oauth.tokens import issue_token
from fediart.store.tables import OAuthApp


@pytest.fixture
def token_for(services):
    """token_for(account, scopes="read write follow push") -> an access token string."""

    async def make(account, scopes: str = "read write follow push") -> str:
        async with services.sessions() as session:
            app = OAuthApp(name="test client", client_id=f"client-{account.username}-{scopes}",
                           client_secret_hash="0" * 64, redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=scopes)
            session.add(app)
            await session.commit()
            issued = await issue_token(session, app_id=app.id, account=account, scopes=scopes.split())
        return issued.access_token

    return make


@pytest.fixture
def bearer(token_for):
    """bearer(account) -> headers carrying a full-scope token for that artist."""

    async def make(account, scopes: str = "read write follow push") -> dict[str, str]:
        return {"Authorization": f"Bearer {await token_for(account, scopes)}"}

    return make
