"""The studio's admin pages: only admins see or post them; domain blocks are added (the policy refuses the
domain at once) and removed; reports are listed with their posts' text made safe, and resolved."""

from __future__ import annotations

from fakes import post_activity
from inbox.activities import activity, actor_url, add_post, note, post_url, send
from sqlmodel import select
from studio_support import signed_in, studio_form

from fediart.store.policy_tables import DomainBlock, Report
from fediart.store.states import AccountRole
from fediart.store.tables import Account, InboxItem

ADMIN_PAGES = ("/studio/admin/blocks", "/studio/admin/reports")


async def _admin(client, services, make_artist, name: str = "ana") -> Account:
    account = await signed_in(client, services, make_artist, name)
    async with services.sessions() as session:
        row = await session.get(Account, account.id)
        row.role = AccountRole.ADMIN
        session.add(row)
        await session.commit()
    return account


async def _blocks(services) -> list[DomainBlock]:
    async with services.sessions() as session:
        return list((await session.exec(select(DomainBlock))).all())


async def test_an_artist_gets_403_on_admin_pages_and_forms_and_no_admin_links(client, services, make_artist):
    await signed_in(client, services, make_artist)
    studio = await client.get("/studio")
    assert "/studio/admin/blocks" not in studio.text and "/studio/admin/reports" not in studio.text
    for path in ADMIN_PAGES:
        page = await client.get(path)
        assert page.status_code == 403 and "Only the server&#39;s admins" in page.text
    token = studio.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    posted = await client.post("/studio/admin/blocks", data={"csrf_token": token, "domain": "spam.example",
                                                            "severity": "suspend"})
    assert posted.status_code == 403
    assert (await client.post("/studio/admin/blocks/remove",
                              data={"csrf_token": token, "domain": "spam.example"})).status_code == 403
    assert (await client.post("/studio/admin/reports/1/resolve", data={"csrf_token": token})).status_code == 403
    assert await _blocks(services) == []


async def test_an_admin_blocks_a_domain_and_the_policy_refuses_it_at_once(client, services, network, make_artist):
    await _admin(client, services, make_artist)
    assert "/studio/admin/blocks" in (await client.get("/studio")).text
    assert (await services.policy.check_host("spam.example")).allowed  # the policy has read its rules
    form = await studio_form(client, "/studio/admin/blocks", "/studio/admin/blocks")
    data = form.submit(domain="Spam.Example", severity="suspend", public_comment="<b>spam</b>",
                       private_comment="seen on 3 servers")
    del data["obfuscate"], data["reject_reports"]  # unticked boxes are not posted
    assert (await client.post(form.action, data={**data, "csrf_token": "forged"})).status_code == 403
    assert await _blocks(services) == []
    added = await client.post(form.action, data=data)
    assert added.status_code == 303 and added.headers["location"].endswith("/studio/admin/blocks?done=blocked")
    [rule] = await _blocks(services)
    assert (rule.domain, rule.severity, rule.reject_media, rule.reject_reports, rule.obfuscate) == \
        ("spam.example", "suspend", True, False, False)
    assert (rule.public_comment, rule.private_comment) == ("<b>spam</b>", "seen on 3 servers")
    assert not (await services.policy.check_host("spam.example")).allowed
    assert not (await services.policy.check_host("media.spam.example")).allowed

    # Their server's activities are no longer taken in.
    spammer = network.add_actor("spammer", host="spam.example")
    await post_activity(client, spammer, activity(spammer, "Create", note(spammer)))
    async with services.sessions() as session:
        assert (await session.exec(select(InboxItem))).all() == []

    page = await client.get("/studio/admin/blocks")
    assert "spam.example" in page.text and "reject media" in page.text
    assert "&lt;b&gt;spam&lt;/b&gt;" in page.text and "<b>spam</b>" not in page.text
    remove = await studio_form(client, "/studio/admin/blocks", "/studio/admin/blocks/remove")
    assert remove.fields["domain"] == "spam.example"
    assert (await client.post(remove.action, data={"domain": "spam.example"})).status_code == 403
    removed = await client.post(remove.action, data=remove.submit())
    assert removed.status_code == 303 and removed.headers["location"].endswith("?done=unblocked")
    assert await _blocks(services) == []
    assert (await services.policy.check_host("spam.example")).allowed


async def test_bad_block_values_show_the_error(client, services, make_artist):
    await _admin(client, services, make_artist)
    form = await studio_form(client, "/studio/admin/blocks", "/studio/admin/blocks")
    bad_severity = await client.post(form.action, data=form.submit(domain="spam.example", severity="obliterate"))
    assert bad_severity.status_code == 422 and "severity must be" in bad_severity.text
    bad_domain = await client.post(form.action, data=form.submit(domain="not a domain", severity="silence"))
    assert bad_domain.status_code == 422
    gone = await client.post("/studio/admin/blocks/remove", data={**form.submit(), "domain": "never.example"})
    assert gone.status_code == 404 and "no rule for never.example" in gone.text
    assert await _blocks(services) == []


async def test_reports_are_listed_with_safe_text_and_resolved(client, services, network, make_artist):
    await _admin(client, services, make_artist, "root")
    bea = await make_artist("bea")
    post = await add_post(services, bea, "<p>a painting <script>alert(1)</script>of herons</p>")
    reporter = network.add_actor("actor", host="remote.example")
    await send(client, services, reporter, activity(reporter, "Flag", [actor_url("bea"), post_url(post, "bea")],
                                                    content="<p>Stolen &amp; <b>traced</b></p>"))
    [report] = await _reports(services)

    page = await client.get("/studio/admin/reports")
    assert page.status_code == 200
    assert "About @bea@art.example" in page.text and "Received from remote.example" in page.text
    assert "Stolen &amp; traced" in page.text
    assert "a painting" in page.text and "of herons" in page.text and "<script>" not in page.text
    assert f'href="https://art.example/@bea/{post.id}"' in page.text

    form = await studio_form(client, "/studio/admin/reports", f"/studio/admin/reports/{report.id}/resolve")
    assert (await client.post(form.action, data={})).status_code == 403
    assert (await _reports(services))[0].state == "open"
    resolved = await client.post(form.action, data=form.submit())
    assert resolved.status_code == 303 and resolved.headers["location"].endswith("?done=resolved")
    assert (await _reports(services))[0].state == "resolved"
    open_only = await client.get("/studio/admin/reports")
    assert "No open reports." in open_only.text and "About @bea" not in open_only.text
    everything = await client.get("/studio/admin/reports", params={"all": "1"})
    assert "About @bea@art.example" in everything.text and "resolved" in everything.text
    assert f"/studio/admin/reports/{report.id}/resolve" not in everything.text
    unknown = await client.post("/studio/admin/reports/777777/resolve", data=form.submit())
    assert unknown.status_code == 404


async def _reports(services) -> list[Report]:
    async with services.sessions() as session:
        return list((await session.exec(select(Report))).all())
