"""The WebFinger client's handles: ports kept unless default, nonsense refused, actors named with their port."""

import pytest

from fediart.activitypub.webfinger_client import acct_of, parse_handle


@pytest.mark.parametrize(("handle", "parsed"), [
    ("@Bea@Remote.Example", ("Bea", "remote.example")),
    ("bea@remote.example:8443", ("bea", "remote.example:8443")),
    ("bea@remote.example:443", ("bea", "remote.example")),  # https's default port is no port
    ("bea@remote.example:80", ("bea", "remote.example:80")),  # not https's default
    ("bea@localhost:8124", ("bea", "localhost:8124")),  # loopback peers speak http…
    ("bea@localhost:80", ("bea", "localhost")),  # …whose default is 80
    ("bea@bücher.example", ("bea", "xn--bcher-kva.example")),  # one spelling per host
])
def test_handles_keep_a_port_unless_it_is_the_default(handle, parsed):
    assert parse_handle(handle) == parsed


@pytest.mark.parametrize("handle", ["bea", "bea@", "bea@host.example:99999", "bea@host.example:0",
                                    "bea@host.example:x", "bea@[::1]:8000", "bea@a?b", "bea@u:p@host.example"])
def test_what_is_not_a_handle_is_refused(handle):
    with pytest.raises(ValueError, match="is not a handle"):
        parse_handle(handle)


def test_an_actor_is_named_with_its_port():
    assert acct_of("bea", "https://remote.example:8443/users/bea") == "bea@remote.example:8443"
    assert acct_of("bea", "https://remote.example:443/users/bea") == "bea@remote.example"
    assert acct_of("bea", "https://remote.example/users/bea") == "bea@remote.example"
