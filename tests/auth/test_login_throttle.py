"""The login throttle (fediart/auth/throttle.py): counts per typed name and per address, in the database."""

from fediart.auth import throttle


async def test_counts_per_name_case_insensitively_and_per_address(services):
    async with services.sessions() as session:
        for _ in range(throttle.PER_ACCOUNT - 1):
            await throttle.record_failure(session, "Ana", "192.0.2.1")
        assert not await throttle.throttled(session, "ana", "192.0.2.9")
        await throttle.record_failure(session, "@ANA", "192.0.2.2")
        assert await throttle.throttled(session, "ana", "192.0.2.9")
        assert not await throttle.throttled(session, "bo", "192.0.2.9")


async def test_a_success_clears_the_name_but_not_the_address(services):
    async with services.sessions() as session:
        for i in range(throttle.PER_ADDRESS):
            await throttle.record_failure(session, "ana" if i < 3 else f"x{i}", "192.0.2.1")
        await throttle.forget_failures(session, "ana")
        assert await throttle.throttled(session, "bo", "192.0.2.1")
        assert not await throttle.throttled(session, "ana", "192.0.2.2")
