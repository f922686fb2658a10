"""The browser half of an OAuth login against a running fediart, done the way a person does it: open the
authorize URL, fill in the sign-in form the server serves, press Authorize on the consent page, and
read the code from where the server sends the browser. Forms are read from the real HTML by
tests/signin.py (hidden fields, CSRF token, action), so a change to the pages that would break people
breaks this too."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from signin import forms


def _follow(http: httpx.Client, page: httpx.Response) -> httpx.Response:
    for _ in range(5):
        if not page.is_redirect:
            return page
        page = http.get(urljoin(str(page.url), page.headers["location"]))
    raise AssertionError("too many redirects")


def approve_in_browser(authorize_url: str, username: str, password: str) -> tuple[str, str | None]:
    """Sign in and authorize; returns (code, state) from the redirect or the out-of-band page."""
    with httpx.Client(follow_redirects=False, timeout=30) as http:
        page = _follow(http, http.get(authorize_url))
        [login] = [f for f in forms(page.text) if "password" in f.fields]
        page = _follow(http, http.post(urljoin(str(page.url), login.action),
                                       data=login.submit(username=username, password=password)))
        assert page.status_code == 200, f"consent page: {page.status_code} {page.text[:300]}"
        [consent] = [f for f in forms(page.text) if f.method == "post" and f.buttons]
        allow = next(value for _, value in consent.buttons if value.lower() in ("approve", "authorize", "allow"))
        answer = http.post(urljoin(str(page.url), consent.action), data=consent.submit(allow))
        if answer.is_redirect:
            query = parse_qs(urlsplit(answer.headers["location"]).query)
            return query["code"][0], query.get("state", [None])[0]
        # Out of band: the code is shown on the page for a person to copy.
        match = re.search(r"<code[^>]*>([A-Za-z0-9_\-]{20,})</code>", answer.text)
        assert match, f"no code on the out-of-band page: {answer.text[:500]}"
        return match.group(1), None
