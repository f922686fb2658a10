"""The Mastodon client API: handlers parse the request, call one use case (fediart/actions/) and
serialise the rows with api/convert.py. Paths, entities and error shapes follow Mastodon's."""
