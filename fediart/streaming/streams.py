"""The streams a client may subscribe to, the scope each needs, and how one is named in messages.

Mastodon's names: `user` (home timeline updates and notifications), `user:notification` (notifications
only), `public` and `public:local`, `hashtag` and `hashtag:local` (with a `tag`). A message names its
stream as a list, `["hashtag", "ink"]`, which masto.js matches against what it subscribed to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StreamName(StrEnum):
    USER = "user"
    USER_NOTIFICATION = "user:notification"
    PUBLIC = "public"
    PUBLIC_LOCAL = "public:local"
    HASHTAG = "hashtag"
    HASHTAG_LOCAL = "hashtag:local"


READ_STATUSES, READ_NOTIFICATIONS = "read:statuses", "read:notifications"
SCOPE = {StreamName.USER: READ_STATUSES, StreamName.USER_NOTIFICATION: READ_NOTIFICATIONS,
         StreamName.PUBLIC: READ_STATUSES, StreamName.PUBLIC_LOCAL: READ_STATUSES,
         StreamName.HASHTAG: READ_STATUSES, StreamName.HASHTAG_LOCAL: READ_STATUSES}
TAGGED = (StreamName.HASHTAG, StreamName.HASHTAG_LOCAL)
# Streams that carry statuses; notifications travel on USER and USER_NOTIFICATION.
NOTIFIED = (StreamName.USER, StreamName.USER_NOTIFICATION)
MAX_TAG = 100


class StreamError(ValueError):
    """A subscription that cannot be made; `status` is what Mastodon sends with the error message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Stream:
    name: StreamName
    tag: str | None = None

    @classmethod
    def parse(cls, name: object, tag: object = None) -> Stream:
        """The stream a client named; StreamError for an unknown one or a hashtag stream without a tag."""
        try:
            stream = StreamName(str(name))
        except ValueError:
            raise StreamError("Unknown stream type") from None
        if stream not in TAGGED:
            return cls(stream)
        text = str(tag).strip().lstrip("#") if isinstance(tag, str) else ""
        if not text or len(text) > MAX_TAG:
            raise StreamError("No tag for stream provided")
        return cls(stream, text)

    @property
    def label(self) -> list[str]:
        """The `stream` field of the messages sent on this stream."""
        return [self.name] if self.tag is None else [self.name, self.tag]

    @property
    def carries_statuses(self) -> bool:
        return self.name != StreamName.USER_NOTIFICATION

    @property
    def carries_notifications(self) -> bool:
        return self.name in NOTIFIED
