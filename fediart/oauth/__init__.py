"""OAuth 2 for client apps: registration, scopes, access tokens (stored hashed), and the endpoints."""
