"""Domain names from admins and shared lists are normalised before any rule is stored or matched."""

import pytest

from fediart.policy.hosts import BadDomain, normalise_domain, suffixes


@pytest.mark.parametrize("text, expected", [
    ("Example.COM", "example.com"),
    ("  spam.example.  ", "spam.example"),
    ("*.spam.example", "spam.example"),
    ("Bücher.Example", "xn--bcher-kva.example"),
    ("xn--bcher-kva.example", "xn--bcher-kva.example"),
])
def test_spellings_of_one_domain_become_one_name(text, expected):
    assert normalise_domain(text) == expected


@pytest.mark.parametrize("text", ["", "https://spam.example/", "spam.example:443", "a b.example", "127.0.0.1",
                                  "-bad-.example", "a" * 64 + ".example", "spam..example", "user@spam.example"])
def test_what_is_not_a_domain_is_refused_with_a_reason(text):
    with pytest.raises(BadDomain) as caught:
        normalise_domain(text)
    assert str(caught.value)


def test_suffixes_list_every_covering_rule_longest_first():
    assert suffixes("a.b.Example.") == ["a.b.example", "b.example", "example"]
