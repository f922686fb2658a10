"""The studio: the artist's pages behind sign-in (posting, followers, notifications, profile, admin).

Every page is plain server-rendered HTML; every form carries the session's CSRF token. Handlers parse the
form, call one function of fediart/actions/ (the same ones the CLI and the client API call) and render.
"""
