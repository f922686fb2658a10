"""The browser half of an OAuth login, done the way a person does it: open the authorize URL, fill in
the login form that fediart serves, press Authorize on the consent page, and read the code from where
the server sends the browser. Forms are read from the real HTML (hidden fields, CSRF token, action),
so a change to the pages that would break people breaks this too."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                               "fields": {}, "inputs": [], "buttons": []})
        elif self.forms and tag == "input":
            self.forms[-1]["inputs"].append(a)
            if a.get("name") and a.get("type", "text") not in ("submit", "button", "checkbox"):
                self.forms[-1]["fields"][a["name"]] = a.get("value", "")
            if a.get("type") == "submit" and a.get("name"):
                self.forms[-1]["buttons"].append(a)
        elif self.forms and tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append(a)


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _submit(http: httpx.Client, page: httpx.Response, form: dict, fields: dict[str, str]) -> httpx.Response:
    url = urljoin(str(page.url), form["action"] or str(page.url))
    return http.post(url, data={**form["fields"], **fields})


def _code_from(location: str) -> str:
    query = parse_qs(urlsplit(location).query)
    if "code" not in query:
        raise AssertionError(f"no code in the redirect: {location}")
    return query["code"][0]


def approve_in_browser(authorize_url: str, username: str, password: str) -> tuple[str, str | None]:
    """Log in and authorize; returns (code, state) from the redirect or the out-of-band page."""
    with httpx.Client(follow_redirects=False, timeout=30) as http:
        page = http.get(authorize_url)
        hops = 0
        while page.is_redirect:
            page = http.get(urljoin(str(page.url), page.headers["location"]))
            hops += 1
            assert hops < 5, "too many redirects before the login page"
        login = next(f for f in forms_of(page.text) if any(i.get("type") == "password" for i in f["inputs"]))
        user_field = next(i["name"] for i in login["inputs"] if i.get("type", "text") in ("text", "email")
                          and i.get("name"))
        pass_field = next(i["name"] for i in login["inputs"] if i.get("type") == "password")
        page = _submit(http, page, login, {user_field: username, pass_field: password})
        while page.is_redirect:
            page = http.get(urljoin(str(page.url), page.headers["location"]))
        assert page.status_code == 200, f"consent page: {page.status_code} {page.text[:300]}"
        consent = next(f for f in forms_of(page.text) if f["method"] == "post")
        approve = next((b for b in consent["buttons"] if b.get("value", "").lower() in ("approve", "authorize",
                                                                                        "allow", "yes")),
                       consent["buttons"][0] if consent["buttons"] else None)
        extra = {approve["name"]: approve.get("value", "")} if approve else {}
        answer = _submit(http, page, consent, extra)
        if answer.is_redirect:
            location = answer.headers["location"]
            return _code_from(location), parse_qs(urlsplit(location).query).get("state", [None])[0]
        # Out of band: the code is shown on the page, in an element a person can copy from.
        import re

        match = re.search(r'<(?:code|input)[^>]*(?:id="code"|class="[^"]*code[^"]*")[^>]*>([^<]*)<', answer.text) \
            or re.search(r'value="([A-Za-z0-9_\-]{20,})"', answer.text)
        assert match, f"no code on the out-of-band page: {answer.text[:500]}"
        return match.group(1).strip(), None
