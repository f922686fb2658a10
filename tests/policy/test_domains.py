"""DomainPolicy: which rule covers a host, and whether fediart may federate with it."""

from fediart.policy.domains import DomainPolicy
from fediart.policy.hosts import normalise_domain
from fediart.store.policy_tables import DomainAllow, DomainBlock


async def store(services, *rows) -> None:
    async with services.sessions() as session:
        session.add_all(rows)
        await session.commit()


async def test_the_longest_matching_rule_wins_and_covers_subdomains(services):
    await store(services, DomainBlock(domain="example.com", severity="suspend"),
                DomainBlock(domain="sub.example.com", severity="noop", reject_media=True))
    policy = DomainPolicy(services.sessions)
    deep = await policy.check_host("a.b.example.com")
    assert not deep.allowed and deep.rule.domain == "example.com" and "blocked" in deep.reason
    sub = await policy.check_host("x.sub.example.com")
    assert sub.allowed and sub.rule.domain == "sub.example.com" and sub.rule.reject_media
    assert (await policy.check_host("notexample.com")).allowed  # a suffix of the name, not a subdomain
    assert await policy.rule_for("other.org") is None


async def test_an_internationalised_host_matches_its_idna_rule(services):
    await store(services, DomainBlock(domain=normalise_domain("Bücher.Example"), severity="silence"))
    policy = DomainPolicy(services.sessions)
    rule = await policy.rule_for("shop.xn--bcher-kva.example")
    assert rule is not None and rule.silenced and not rule.suspended
    assert (await policy.check_host("shop.xn--bcher-kva.example")).allowed  # limited, not refused


async def test_allowlist_mode_admits_only_listed_servers_and_a_block_beats_an_allow(services):
    await store(services, DomainAllow(domain="friends.example"), DomainAllow(domain="both.example"),
                DomainBlock(domain="both.example", severity="suspend"))
    policy = DomainPolicy(services.sessions, mode="allowlist")
    assert (await policy.check_host("art.friends.example")).allowed
    stranger = await policy.check_host("stranger.example")
    assert not stranger.allowed and "allowlist" in stranger.reason
    both = await policy.check_host("both.example")
    assert not both.allowed and "blocked" in both.reason
    assert not (await policy.check_host("")).allowed


async def test_new_rules_apply_after_forget(services):
    policy = DomainPolicy(services.sessions)
    assert (await policy.check_host("late.example")).allowed
    await store(services, DomainBlock(domain="late.example", severity="suspend"))
    policy.forget()
    assert not (await policy.check_host("late.example")).allowed
