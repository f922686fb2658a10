"""Posts whose own licence differs from their artist's, as RFC 9309 paths for the RSL licence files.

RSL applies the narrowest matching <content> first, so one block per such post (and per stored file
of it) keeps /@ana/* from stating the artist's licence for a work published under another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import Account, Media, Post

# Only what anyone may see: a followers-only post's number must not appear in a public file.
_LISTED = ("public", "unlisted")
# A bound on the file's size; the newest overrides come first, older ones fall back to the artist's block.
MAX_POSTS = 500


def post_paths(username: str, post_id: int, files: Sequence[str]) -> list[str]:
    """The page, the Note (and its activity), and each stored file of one post."""
    paths = [f"/@{username}/{post_id}$", f"/users/{username}/statuses/{post_id}$",
             f"/users/{username}/statuses/{post_id}/*"]
    return paths + [f"/media/{name}$" for name in dict.fromkeys(files) if name]


async def licence_overrides(session: AsyncSession, accounts: Sequence[Account]) -> list[tuple[Account, str, list[str]]]:
    """(account, licence key, paths) for each visible post that names a licence other than its artist's."""
    by_id = {a.id: a for a in accounts}
    if not by_id:
        return []
    posts = (await session.exec(
        select(Post).where(col(Post.account_id).in_(list(by_id)), col(Post.licence_key).is_not(None),
                           col(Post.deleted_at).is_(None), col(Post.visibility).in_(_LISTED))
        .order_by(col(Post.id).desc()).limit(MAX_POSTS))).all()
    posts = [p for p in posts if p.licence_key != by_id[p.account_id].licence_key]
    if not posts:
        return []
    media = (await session.exec(select(Media).where(col(Media.post_id).in_([p.id for p in posts])))).all()
    files: dict[int, list[str]] = {}
    for item in media:
        files.setdefault(item.post_id, []).extend([item.file, item.thumbnail_file, item.display_file])
    return [(by_id[p.account_id], p.licence_key, post_paths(by_id[p.account_id].username, p.id, files.get(p.id, [])))
            for p in posts]


def override_blocks(overrides: Sequence[tuple[Account, str, list[str]]],
                    licence_of: Callable[[Account, str], object]) -> list[tuple[str, object]]:
    """(path, licence) pairs for rsl.py, with each post's licence built by `licence_of(account, key)`."""
    return [(path, licence_of(account, key)) for account, key, paths in overrides for path in paths]
