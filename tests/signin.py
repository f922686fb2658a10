"""Test support for the sign-in and consent pages: read the real HTML forms and post them back, as a
browser does, so the tests go through the CSRF tokens and hidden fields the pages really serve."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from fediart.auth.passwords import set_password

PASSWORD = "correct horse battery"
CLIENT_REDIRECT = "https://client.example/callback"  # where the test apps want their codes


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # hidden and text inputs, with their values
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of submit buttons

    def submit(self, button: str | None = None, **values: str) -> dict[str, str]:
        """The form data a browser posts when `button` (a value of a submit button) is pressed."""
        data = {**self.fields, **values}
        for name, value in self.buttons:
            if value == button:
                data[name] = value
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
        elif self.forms and tag == "input" and a.get("name"):
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif self.forms and tag == "button" and a.get("name"):
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_to(html: str, path: str) -> Form:
    """The page's form that posts to `path`."""
    found = [f for f in forms(html) if f.action.split("?")[0].endswith(path)]
    assert found, f"no form posting to {path} in the page:\n{html}"
    return found[0]


async def give_password(services, account, password: str = PASSWORD) -> None:
    async with services.sessions() as session:
        row = await session.get(type(account), account.id)
        await set_password(session, row, password)


async def sign_in(client, username: str, password: str = PASSWORD, next_path: str | None = None):
    """Open the login page, fill in its form and post it; returns the response to the post."""
    page = await client.get("/login", params={"next": next_path} if next_path else None)
    assert page.status_code == 200, page.text
    form = form_to(page.text, "/login")
    return await client.post(form.action, data=form.submit(username=username, password=password))


def query_of(location: str) -> dict[str, str]:
    """The query parameters of a redirect's Location."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
