"""inbox/flag.py through the protocol: reports from other servers about our artists and their posts."""

from activities import actor_url, activity, add_post, post_url, rows, send

from fediart.store.policy_tables import DomainBlock, Report
from fediart.store.tables import Actor


def _instance(network, host="remote.example"):
    # Mastodon sends Flags from its instance actor, an Application at https://host/actor.
    return network.add_actor("actor", host=host)


async def _target_uri(services, report: Report) -> str:
    async with services.sessions() as session:
        return (await session.get(Actor, report.target_id)).uri


async def test_a_mastodon_flag_is_stored_with_its_posts_and_plain_comment(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    reporter = _instance(network)
    flag = activity(reporter, "Flag", [actor_url("ana"), post_url(post)],
                    content="<p>Spam &amp; <b>stolen</b> art</p><script>x()</script>")
    await send(client, services, reporter, flag)
    [report] = await rows(services, Report)
    assert (report.direction, report.domain, report.state) == ("incoming", "remote.example", "open")
    assert report.object_uris == [post_url(post)]
    assert report.comment == "Spam & stolen art"
    assert await _target_uri(services, report) == actor_url("ana")
    await send(client, services, reporter, flag)  # the same activity again: one report
    assert len(await rows(services, Report)) == 1


async def test_misskey_single_uri_and_akkoma_embedded_objects(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    misskey = _instance(network, "misskey.example")
    await send(client, services, misskey, activity(misskey, "Flag", actor_url("ana"), content="bad"))
    akkoma = _instance(network, "akkoma.example")
    embedded = [{"type": "Person", "id": actor_url("ana")},
                {"type": "Note", "id": post_url(post), "content": "quoted by the reporter"}]
    await send(client, services, akkoma, activity(akkoma, "Flag", embedded, content="worse"))
    by_domain = {r.domain: r for r in await rows(services, Report)}
    assert by_domain["misskey.example"].object_uris == []
    assert by_domain["akkoma.example"].object_uris == [post_url(post)]
    # A post alone names its author.
    other = _instance(network, "gts.example")
    await send(client, services, other, activity(other, "Flag", [post_url(post)], content=""))
    [from_gts] = await rows(services, Report, Report.domain == "gts.example")
    assert from_gts.object_uris == [post_url(post)]
    assert await _target_uri(services, from_gts) == actor_url("ana")


async def test_reports_not_about_us_or_from_a_rejecting_rule_are_dropped(client, network, services, make_artist):
    await make_artist("ana")
    reporter = _instance(network)
    await send(client, services, reporter, activity(reporter, "Flag", ["https://elsewhere.example/users/x"]))
    await send(client, services, reporter, activity(reporter, "Flag", [actor_url("nobody")]))
    assert await rows(services, Report) == []
    async with services.sessions() as session:
        session.add(DomainBlock(domain="noisy.example", severity="noop", reject_reports=True))
        await session.commit()
    services.policy.forget()
    noisy = _instance(network, "noisy.example")
    await send(client, services, noisy, activity(noisy, "Flag", [actor_url("ana")], content="again"))
    assert await rows(services, Report) == []
