"""Every public URL fediart mints, built from the instance's base URL in one place."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Urls:
    base: str  # e.g. "https://art.example"
    media_base: str = ""  # a CDN serving the media files ([storage] public_base_url); "" means base/media

    def actor(self, username: str) -> str:
        return f"{self.base}/users/{username}"

    def key_id(self, username: str) -> str:
        return self.actor(username) + "#main-key"

    def profile(self, username: str) -> str:
        return f"{self.base}/@{username}"

    def inbox(self, username: str) -> str:
        return self.actor(username) + "/inbox"

    def outbox(self, username: str) -> str:
        return self.actor(username) + "/outbox"

    def followers(self, username: str) -> str:
        return self.actor(username) + "/followers"

    def following(self, username: str) -> str:
        return self.actor(username) + "/following"

    def featured(self, username: str) -> str:
        return self.actor(username) + "/collections/featured"

    def featured_tags(self, username: str) -> str:
        return self.actor(username) + "/collections/tags"

    @property
    def shared_inbox(self) -> str:
        return f"{self.base}/inbox"

    @property
    def instance_actor(self) -> str:
        return f"{self.base}/actor"

    @property
    def instance_key_id(self) -> str:
        return self.instance_actor + "#main-key"

    # Licence pages: human terms, machine policy (ODRL/TDMRep), and where to ask for a licence.
    def terms(self, username: str) -> str:
        return self.profile(username) + "/terms"

    def tdm_policy(self, username: str) -> str:
        return self.profile(username) + "/tdm-policy.json"

    def licensing(self, username: str) -> str:
        return self.profile(username) + "/licensing"

    @property
    def site_terms(self) -> str:
        return f"{self.base}/terms"

    @property
    def site_tdm_policy(self) -> str:
        return f"{self.base}/tdm-policy.json"

    @property
    def extension_context(self) -> str:
        return f"{self.base}/ns/fediart.jsonld"

    # Posts: the Note's id (what servers fetch), its Create, and the page people read.
    def status(self, username: str, post_id: int) -> str:
        return f"{self.actor(username)}/statuses/{post_id}"

    def status_activity(self, username: str, post_id: int) -> str:
        return self.status(username, post_id) + "/activity"

    def status_page(self, username: str, post_id: int) -> str:
        return f"{self.profile(username)}/{post_id}"

    def tag(self, name: str) -> str:
        return f"{self.base}/tags/{quote(name.lower(), safe='')}"

    def media(self, filename: str) -> str:
        # Never an original's address: those are under /originals/, served by fediart alone.
        return f"{self.media_base or self.base + '/media'}/{filename}"

    def authorize_interaction(self) -> str:
        return f"{self.base}/authorize_interaction?uri={{uri}}"
