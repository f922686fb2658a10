"""`fediart follow|unfollow|follower …` and `fediart notifications`, run in-process against the fake network.

The commands' work lives in functions taking Services (follow_remote, approve_follower, …), so
they run here with the test app's services, whose HTTP client is the fake network. One test goes
through the argument parser too, with running_services swapped for those services.
"""

import contextlib

import pytest
from fakes import post_activity
from remote_shapes import serve_profile
from inbox.activities import (activity, actor_url, add_post, assert_licensed, assert_signed_by, mention, note,
                              post_url, received_of, rows, send)

from fediart.cli import build_parser
from fediart.commands import CliError, CommandContext
from fediart.commands import follows as follows_command
from fediart.commands.follows import approve_follower, follow_remote, reject_follower, unfollow_remote
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import Follower, Following, Actor
from fediart.worker import run_due_work


def context(services) -> CommandContext:
    return CommandContext(services.config, services.sessions, services.engine)


async def run_cli(services, argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return await args.run(context(services), args)


@pytest.fixture
def cli_services(services, monkeypatch):
    """`fediart follow …` normally starts its own services; here it gets the fake network's."""
    @contextlib.asynccontextmanager
    async def running(config):
        yield services

    monkeypatch.setattr(follows_command, "running_services", running)
    return services


async def test_follow_sends_a_signed_licensed_follow_and_an_accept_completes_it(client, network, services,
                                                                              make_artist, cli_services, capsys):
    ana = await make_artist("ana")
    bob = network.add_actor("bob")
    assert await run_cli(services, ["follow", "ana", "@bob@remote.example"]) == 0
    assert capsys.readouterr().out.strip() == ("follow request sent to @bob@remote.example; it is delivered by "
                                               "the worker (`fediart serve` or `fediart worker`)")
    [following] = await rows(services, Following)
    assert following.state == "pending" and following.follow_uri.startswith(actor_url("ana") + "#follows/")
    await run_due_work(services)
    [delivered] = received_of(network, bob.inbox, "Follow")
    follow = delivered.body
    assert (follow["id"], follow["actor"], follow["object"]) == (following.follow_uri, actor_url("ana"), bob.uri)
    assert_licensed(follow)
    assert_signed_by(delivered, ana)

    await send(client, services, bob, activity(bob, "Accept", {k: v for k, v in follow.items() if k != "@context"}))
    [following] = await rows(services, Following)
    assert following.state == "accepted"
    assert await follow_remote(services, "ana", bob.uri) == "ana already follows @bob@remote.example"


async def test_follow_again_while_pending_resends_the_same_follow(network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    await follow_remote(services, "ana", "@bob@remote.example")
    await follow_remote(services, "ana", "@bob@remote.example")  # not yet delivered: nothing added
    await run_due_work(services)
    message = await follow_remote(services, "ana", "bob@remote.example")
    assert message.startswith("follow request re-sent to @bob@remote.example")
    await run_due_work(services)
    follows = received_of(network, bob.inbox, "Follow")
    assert len(follows) == 2 and follows[0].body == follows[1].body
    assert len(await rows(services, Following)) == 1


async def test_follow_errors_are_one_readable_line(network, services, make_artist):
    await make_artist("ana")
    network.add_actor("bob")
    with pytest.raises(CliError, match="no user named 'nobody'"):
        await follow_remote(services, "nobody", "@bob@remote.example")
    with pytest.raises(CliError, match="cannot look up @carol@remote.example: WebFinger answered HTTP 404"):
        await follow_remote(services, "ana", "@carol@remote.example")
    with pytest.raises(CliError, match="is not a handle"):
        await follow_remote(services, "ana", "bob")
    with pytest.raises(CliError, match="cannot fetch https://remote.example/users/zed: HTTP 404"):
        await follow_remote(services, "ana", "https://remote.example/users/zed")
    with pytest.raises(CliError, match="account on this server"):
        await follow_remote(services, "ana", actor_url("ana"))
    network.add_actor("spammer", host="spam.example")
    async with services.sessions() as session:
        session.add(DomainBlock(domain="spam.example"))
        await session.commit()
    services.policy.forget()
    gets = len(network.gets)
    with pytest.raises(CliError, match="cannot reach @spammer@spam.example: spam.example is blocked"):
        await follow_remote(services, "ana", "@spammer@spam.example")
    assert len(network.gets) == gets  # not even asked
    assert await rows(services, Following) == []


async def test_unfollow_sends_undo_embedding_our_follow(network, services, make_artist, cli_services, capsys):
    ana = await make_artist("ana")
    bob = network.add_actor("bob")
    await follow_remote(services, "ana", "@bob@remote.example")
    assert await run_cli(services, ["unfollow", "ana", "@bob@remote.example"]) == 0
    assert "unfollowed @bob@remote.example" in capsys.readouterr().out
    assert await rows(services, Following) == []
    await run_due_work(services)
    [follow] = received_of(network, bob.inbox, "Follow")
    [undo] = received_of(network, bob.inbox, "Undo")
    assert undo.body["object"] == {k: v for k, v in follow.body.items() if k != "@context"}
    assert undo.body["actor"] == actor_url("ana") and undo.body["object"]["object"] == bob.uri
    assert_licensed(undo.body)
    assert_signed_by(undo, ana)
    with pytest.raises(CliError, match="ana does not follow @bob@remote.example"):
        await unfollow_remote(services, "ana", "@bob@remote.example")


async def test_follower_list_approve_and_reject(client, network, services, make_artist, cli_services, capsys):
    ana = await make_artist("ana", manually_approves_followers=True)
    bob, carol = network.add_actor("bob"), network.add_actor("carol", host="other.example")
    bob_follow = activity(bob, "Follow", actor_url("ana"))
    carol_follow = activity(carol, "Follow", actor_url("ana"))
    await send(client, services, bob, bob_follow)
    await send(client, services, carol, carol_follow)

    assert await run_cli(services, ["follower", "list", "ana"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split() == ["HANDLE", "STATE", "SINCE", "(UTC)"]
    assert {tuple(line.split()[:2]) for line in listing[1:]} == {("@bob@remote.example", "pending"),
                                                                 ("@carol@other.example", "pending")}

    assert await run_cli(services, ["follower", "approve", "ana", "@bob@remote.example"]) == 0
    assert await run_cli(services, ["follower", "reject", "ana", carol.uri]) == 0
    out = capsys.readouterr().out
    assert "@bob@remote.example now follows ana" in out and "follow request @carol@other.example rejected" in out
    assert [(f.state, f.follow_uri) for f in await rows(services, Follower)] == [("accepted", bob_follow["id"])]

    await run_due_work(services)
    [accept] = received_of(network, bob.inbox, "Accept")
    assert accept.body["object"] == {k: v for k, v in bob_follow.items() if k != "@context"}
    [reject] = received_of(network, carol.inbox, "Reject")
    assert reject.body["object"]["id"] == carol_follow["id"]
    assert reject.body["object"]["object"] == reject.body["actor"] == actor_url("ana")
    for delivered in (accept, reject):
        assert_licensed(delivered.body)
        assert_signed_by(delivered, ana)

    assert await approve_follower(services, "ana", "@bob@remote.example") == "@bob@remote.example already follows ana"
    with pytest.raises(CliError, match="does not follow ana and has not asked to"):
        await reject_follower(services, "ana", "@carol@other.example")


async def test_rejecting_an_accepted_follower_removes_them(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    message = await reject_follower(services, "ana", "@bob@remote.example")
    assert message.startswith("follower @bob@remote.example rejected")
    assert await rows(services, Follower) == []
    await run_due_work(services)
    assert len(received_of(network, bob.inbox, "Reject")) == 1


async def test_notifications_lists_everything_newest_first(client, network, services, make_artist, capsys):
    ana = await make_artist("ana", manually_approves_followers=False)
    post = await add_post(services, ana, content="<p>Blue <b>heron</b> at dawn</p>")
    bob, carol = network.add_actor("bob"), network.add_actor("carol", host="other.example")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    await send(client, services, bob, activity(bob, "Like", post_url(post)))
    await send(client, services, carol, activity(carol, "Announce", post_url(post)))
    await send(client, services, carol, activity(carol, "Create", note(
        carol, "<p>What a <em>lovely</em> heron &amp; light</p>", inReplyTo=post_url(post))))
    await send(client, services, bob, activity(bob, "Create", note(bob, "<p>@ana look</p>", tag=[mention("ana")])))
    new = network.add_actor("bob", host="new.example")
    new.extra["alsoKnownAs"] = [bob.uri]
    await send(client, services, bob, activity(bob, "Move", bob.uri, target=new.uri))

    assert await run_cli(services, ["notifications", "ana", "--limit", "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["WHEN", "(UTC)", "WHAT", "WHO"]
    body = lines[1:]
    kinds = [line.split()[2] for line in body]
    assert kinds == ["move", "mention", "reply", "boost", "like", "follow"]
    assert "moved to https://new.example/users/bob" in body[0]
    assert "“@ana look”" in body[1]
    assert "replied “What a lovely heron & light” to post %d “Blue heron at dawn”" % post.id in body[2]
    assert "@carol@other.example" in body[3] and "boosted post" in body[3]
    assert "liked post %d" % post.id in body[4]
    assert body[5].rstrip().endswith("followed you")

    assert await run_cli(services, ["notifications", "ana", "--limit", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    with pytest.raises(CliError, match="no user named 'zed'"):
        await run_cli(services, ["notifications", "zed"])


async def test_a_follow_request_in_notifications_says_how_to_answer(client, network, services, make_artist,
                                                                    capsys):
    await make_artist("ana", manually_approves_followers=True)
    bob = network.add_actor("bob")
    assert (await post_activity(client, bob, activity(bob, "Follow", actor_url("ana")))).status_code == 202
    await run_due_work(services)
    await run_cli(services, ["notifications", "ana"])
    out = capsys.readouterr().out
    assert "follow request" in out and "fediart follower approve ana @bob@remote.example (or reject)" in out
    assert [a.uri for a in await rows(services, Actor)] == [bob.uri]


async def test_follow_by_profile_page_follows_the_canonical_actor(network, services, make_artist, cli_services,
                                                                  capsys):
    await make_artist("ana")
    bob = network.add_actor("bob", host="mastodon.example")
    page = serve_profile(network, bob)
    assert await run_cli(services, ["follow", "ana", page]) == 0
    assert capsys.readouterr().out.startswith("follow request sent to @bob@mastodon.example;")
    await run_due_work(services)
    [follow] = received_of(network, bob.inbox, "Follow")
    assert follow.body["object"] == bob.uri
    # Known now: the profile page names the same actor, for unfollow too (no fetch needed).
    gets = len(network.gets)
    assert (await unfollow_remote(services, "ana", page)).startswith("unfollowed @bob@mastodon.example")
    assert len(network.gets) == gets


async def test_a_profile_page_naming_an_actor_elsewhere_is_refused(network, services, make_artist):
    await make_artist("ana")
    network.add_actor("bob", host="mastodon.example")
    mallory = network.add_actor("mallory", host="evil.example")
    network.documents["https://mastodon.example/@bob"] = mallory.document()
    with pytest.raises(CliError, match=r"https://mastodon.example/@bob leads to 'https://evil.example/users/mallory', "
                                       r"which is on another server \(evil.example\); refused"):
        await follow_remote(services, "ana", "https://mastodon.example/@bob")
    assert await rows(services, Following) == [] and await rows(services, Actor) == []


async def test_actors_on_two_ports_of_one_host_keep_apart_handles(network, services, make_artist):
    await make_artist("ana")
    plain = network.add_actor("bea", host="remote.example")
    ported = network.add_actor("bea", host="remote.example:8443")
    assert await follow_remote(services, "ana", "@bea@remote.example:8443") == (
        f"follow request sent to @bea@remote.example:8443; {follows_command.DELIVERED_BY}")
    # The default port is no port: this is the other bea, not the one just followed.
    assert (await follow_remote(services, "ana", "@bea@remote.example:443")).startswith(
        "follow request sent to @bea@remote.example;")
    following = {(f.actor_id, f.state) for f in await rows(services, Following)}
    actors = {a.id: a.uri for a in await rows(services, Actor)}
    assert sorted(actors[actor_id] for actor_id, _ in following) == [plain.uri, ported.uri]
    await run_due_work(services)
    assert len(received_of(network, ported.inbox, "Follow")) == 1
    assert len(received_of(network, plain.inbox, "Follow")) == 1
    assert (await unfollow_remote(services, "ana", "@bea@remote.example:8443")).startswith(
        "unfollowed @bea@remote.example:8443;")
    [(left, _)] = {(f.actor_id, f.state) for f in await rows(services, Following)}
    assert actors[left] == plain.uri


async def test_an_actor_claiming_someone_elses_profile_page_is_not_found_by_it(network, services, make_artist):
    await make_artist("ana")
    mallory = network.add_actor("mallory", host="evil.example", extra={"url": "https://mastodon.example/@bob"})
    await follow_remote(services, "ana", mallory.uri)
    with pytest.raises(CliError, match="cannot fetch https://mastodon.example/@bob: HTTP 404"):
        await unfollow_remote(services, "ana", "https://mastodon.example/@bob")
    assert len(await rows(services, Following)) == 1  # mallory is still followed


async def test_what_follow_prints_about_a_remote_account_is_one_safe_line(network, services, make_artist,
                                                                         cli_services, capsys):
    await make_artist("ana")
    bob = network.add_actor("bob", extra={"preferredUsername": "\x1b[2J\x1b[Hbob\r\nfediart: ana was deleted\u202e"})
    assert await run_cli(services, ["follow", "ana", bob.uri]) == 0
    assert capsys.readouterr().out == ("follow request sent to @bob fediart: ana was deleted@remote.example; it is "
                                       "delivered by the worker (`fediart serve` or `fediart worker`)\n")


async def test_follow_an_artist_on_this_server(services, make_artist, cli):
    await make_artist("ana")
    await make_artist("bea", manually_approves_followers=True)
    out = await cli("follow", "ana", "@bea")
    assert out.strip() == "follow request sent to @bea@art.example; they approve followers by hand"
    out = await cli("follower", "approve", "bea", "ana")
    assert out.strip() == "@ana@art.example now follows bea"
    out = await cli("unfollow", "ana", "bea@art.example")
    assert out.strip() == "unfollowed @bea@art.example"
    assert await rows(services, Follower) == [] and await rows(services, Following) == []
