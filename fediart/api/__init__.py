"""The Mastodon client API: handlers parse the request, call one use case (fediart/actions/) and
serialise the rows with the api/*_entities.py converters. Paths, entities and error shapes follow Mastodon's."""
