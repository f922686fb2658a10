"""The sign-in and OAuth tables: client apps, their tokens and codes, browser sessions and sign-in attempts.

Secrets are stored as hashes only (fediart/oauth/tokens.py, fediart/auth/sessions.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from fediart.store.tables import utcnow


class OAuthApp(SQLModel, table=True):
    """A client registered through POST /api/v1/apps (a phone app, a web client, a script)."""

    __tablename__ = "oauth_app"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    website: str | None = Field(default=None, max_length=2000)
    redirect_uris: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    scopes: str = Field(default="read", max_length=1000)  # space-separated, as registered
    client_id: str = Field(max_length=64, unique=True, index=True)
    client_secret_hash: str = Field(max_length=64)  # sha256 hex; the secret is shown once
    created_at: datetime = Field(default_factory=utcnow)


class OAuthToken(SQLModel, table=True):
    """An access token: only its hash is kept. account_id is None for a client_credentials token."""

    __tablename__ = "oauth_token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)  # sha256 hex of the bearer token
    refresh_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    app_id: int = Field(foreign_key="oauth_app.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    scopes: str = Field(max_length=1000)  # space-separated, as granted
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class OAuthCode(SQLModel, table=True):
    """An authorization code handed to a client after consent: single-use, short-lived, stored hashed."""

    __tablename__ = "oauth_code"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)  # sha256 hex
    app_id: int = Field(foreign_key="oauth_app.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    redirect_uri: str = Field(max_length=2000)
    scopes: str = Field(max_length=1000)
    code_challenge: str | None = Field(default=None, max_length=128)  # PKCE, S256 only
    code_challenge_method: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    token_id: int | None = Field(default=None, foreign_key="oauth_token.id")  # revoked if the code is replayed


class LoginSession(SQLModel, table=True):
    """A browser signed in to the web side (login and OAuth consent); the cookie holds the id, we its hash."""

    __tablename__ = "login_session"
    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True, index=True)  # sha256 hex of the cookie value
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf_token: str = Field(max_length=64)  # every form posted within this session carries it
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class LoginAttempt(SQLModel, table=True):
    """A failed login, counted per typed username and per client address to slow password guessing."""

    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    address: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
