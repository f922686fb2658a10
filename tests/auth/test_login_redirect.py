"""The `next` guard (fediart/auth/redirect.py): local paths pass, anything that leaves the site does not."""

import pytest

from fediart.auth.redirect import safe_next


@pytest.mark.parametrize("path", ["/", "/@ana", "/oauth/authorize?client_id=x&redirect_uri=https%3A%2F%2Fa.example%2F"])
def test_local_paths_pass(path):
    assert safe_next(path) == path


@pytest.mark.parametrize("value", [None, "", "@ana", "https://evil.example", "//evil.example", "/\\evil.example",
                                   "/\\/evil.example", "/\nx", "/\x00", "javascript:alert(1)", "/" + "a" * 5000,
                                   "http:/evil.example", "\\\\evil.example"])
def test_anything_else_goes_home(value):
    assert safe_next(value) == "/"
