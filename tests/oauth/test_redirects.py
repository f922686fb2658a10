"""Redirect URIs (fediart/oauth/redirects.py): what clients register, how codes are appended, the CSP source."""

import pytest

from fediart.oauth.redirects import OOB, RedirectUriError, csp_source, parse_uris, with_params

CLIENT_URIS = [
    "oauth2redirect://com.keylesspalace.tusky/",  # Tusky
    "com.tapbots.Ivory.123:/request_token",  # Ivory: custom scheme, one slash
    OOB,  # Mastodon.py's default
    "https://phanpy.social/",
    "http://localhost:4173/",
    "icecubesapp://",  # empty host
    "org.joinmastodon.android-auth://callback",
    "https://elk.zone/api/mastodon.social/oauth/https%3A%2F%2Felk.zone",
]


@pytest.mark.parametrize("uri", CLIENT_URIS)
def test_what_real_clients_register_is_accepted(uri):
    assert parse_uris(uri) == [uri]


def test_several_uris_by_newline_space_or_list():
    assert parse_uris("https://a.example/cb\nicecubesapp://") == ["https://a.example/cb", "icecubesapp://"]
    assert parse_uris("https://a.example/cb https://b.example/cb") == ["https://a.example/cb", "https://b.example/cb"]
    assert parse_uris(["https://a.example/cb", OOB]) == ["https://a.example/cb", OOB]


@pytest.mark.parametrize("uri", ["javascript:alert(1)", "JavaScript://x/%0aalert(1)", "data:text/html,hi",
                                 "/relative/path", "callback", "https://a.example/cb#frag", "https:///nohost",
                                 "vbscript:x", "1bad://scheme"])
def test_dangerous_or_relative_uris_are_refused(uri):
    with pytest.raises(RedirectUriError):
        parse_uris(uri)


def test_blank_and_too_many_are_refused():
    with pytest.raises(RedirectUriError, match="blank"):
        parse_uris("  ")
    with pytest.raises(RedirectUriError, match="at most"):
        parse_uris([f"https://a.example/{i}" for i in range(11)])


def test_params_are_appended_with_question_mark_or_ampersand():
    assert with_params("https://a.example/cb", {"code": "c d", "state": None}) == "https://a.example/cb?code=c+d"
    assert with_params("https://a.example/cb?x=1", {"code": "c"}) == "https://a.example/cb?x=1&code=c"
    assert with_params("com.tapbots.Ivory.123:/request_token", {"code": "c"}) == \
        "com.tapbots.Ivory.123:/request_token?code=c"


def test_csp_sources():
    assert csp_source("https://phanpy.social/path?x=1") == "https://phanpy.social"
    assert csp_source("http://localhost:4173/") == "http://localhost:4173"
    assert csp_source("oauth2redirect://com.keylesspalace.tusky/") == "oauth2redirect:"
    assert csp_source(OOB) is None
