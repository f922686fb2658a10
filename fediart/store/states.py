"""The states and kinds a row can hold, named once; tables, queries and handlers use these names.

They are StrEnums, so a value compares equal to the string stored in the database.
"""

from enum import StrEnum


class FollowState(StrEnum):
    PENDING = "pending"    # sent or received, waiting for an Accept (or for the artist's approval)
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # only on our own follows: the other side said no


class DeliveryState(StrEnum):
    PENDING = "pending"    # due at retry_at; a worker leases it by setting claimed_until
    SENT = "sent"          # a 2xx came back
    GAVE_UP = "gave_up"    # a 4xx, a blocked host, or the attempts ran out


class InboxState(StrEnum):
    PENDING = "pending"    # due at retry_at; leased like deliveries
    DONE = "done"
    FAILED = "failed"      # the handler failed on every attempt


class JobState(StrEnum):
    """A row of the generic job table (store/job_tables.py); its kind says what the job does."""

    PENDING = "pending"  # due at retry_at; a worker leases it by setting claimed_until
    DONE = "done"
    FAILED = "failed"    # failed on every attempt, or could never succeed; last_error says why


class JobKind(StrEnum):
    """The worker's named kinds of work (declared in fediart/jobs/registry.py)."""

    DELIVERY = "delivery"                    # its own table: delivery
    INBOX = "inbox"                          # its own table: inbox_item
    BLOCKLIST_REFRESH = "blocklist_refresh"  # the rest live on the job table
    SEVERING = "severing"
    PRUNING = "pruning"
    MEDIA_MIGRATION = "media_migration"


class Visibility(StrEnum):
    PUBLIC = "public"
    UNLISTED = "unlisted"
    FOLLOWERS = "followers"  # Mastodon's API calls it "private"
    DIRECT = "direct"


class StatusKind(StrEnum):
    """Which table a status on a page comes from (posts, remote posts and boosts share one id space)."""

    POST = "post"
    REMOTE = "remote"
    BOOST = "boost"


class InteractionKind(StrEnum):
    LIKE = "like"
    BOOST = "boost"


class NotificationKind(StrEnum):
    FOLLOW = "follow"
    FOLLOW_REQUEST = "follow_request"
    LIKE = "like"
    BOOST = "boost"
    REPLY = "reply"
    MENTION = "mention"
    MOVE = "move"
    BLOCK = "block"


class Restriction(StrEnum):
    BLOCK = "block"  # they see nothing of the artist and cannot interact
    MUTE = "mute"    # the artist stops seeing them; they notice nothing


class DomainSeverity(StrEnum):
    """What a domain block does, as Mastodon names it."""

    SUSPEND = "suspend"  # nothing in, nothing out, nothing fetched; follows severed, its content removed
    SILENCE = "silence"  # "limit": accepted but never shown publicly; its follows become requests
    NOOP = "noop"        # only the flags (reject_media, reject_reports) apply


class FederationMode(StrEnum):
    BLOCKLIST = "blocklist"  # everyone but blocked servers
    ALLOWLIST = "allowlist"  # only allowed servers may deliver, fetch or be fetched


class StorageBackend(StrEnum):
    LOCAL = "local"  # files under [media] dir
    S3 = "s3"        # an S3-compatible bucket ([storage] endpoint, bucket, ...)


class BlocklistFormat(StrEnum):
    CSV = "csv"      # Mastodon's export: #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
    PLAIN = "plain"  # one domain a line
    JSON = "json"    # the /api/v1/instance/domain_blocks shape


class ReportDirection(StrEnum):
    INCOMING = "incoming"  # a Flag another server sent us
    OUTGOING = "outgoing"  # a Flag our instance actor sent


class ReportState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class AccountRole(StrEnum):
    """What an account may do in the studio: every artist runs their own account; admins run the server."""

    ARTIST = "artist"
    ADMIN = "admin"


class OriginalAccess(StrEnum):
    """Who may fetch an artist's full-resolution originals (an account default, a post may override)."""

    ARTIST = "artist"        # nobody but the artist, signed in (the default)
    LOCAL = "local"          # any account signed in on this instance
    FOLLOWERS = "followers"  # servers of accepted followers, when they sign their fetch
    EVERYONE = "everyone"
