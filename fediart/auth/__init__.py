"""Signing in to the web side: passwords, server-side sessions, CSRF tokens and the login throttle."""
