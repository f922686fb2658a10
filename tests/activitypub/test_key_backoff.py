"""The key fetch backoff over time: per key, per host, and forgiven after a success or a window."""

from fediart.activitypub.key_backoff import FAILURES_PER_WINDOW, MISSING_SECONDS, WINDOW_SECONDS, KeyBackoff

KEY = "https://remote.example/users/bob#main-key"


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_missing_key_waits_and_then_may_be_fetched_again():
    clock = Clock()
    backoff = KeyBackoff(clock)
    assert backoff.refusal(KEY) is None
    backoff.failed(KEY, missing=True)
    assert backoff.refusal(KEY) == "that key was not found a short while ago"
    clock.now += MISSING_SECONDS + 1
    assert backoff.refusal(KEY) is None


def test_a_key_that_was_broken_may_be_fetched_again_at_once():
    backoff = KeyBackoff(Clock())
    backoff.failed(KEY, missing=False)
    assert backoff.refusal(KEY) is None


def test_a_host_with_too_many_failures_waits_for_the_window():
    clock = Clock()
    backoff = KeyBackoff(clock)
    for i in range(FAILURES_PER_WINDOW):
        backoff.failed(f"https://remote.example/users/u{i}#main-key", missing=True)
    other = "https://remote.example/users/new#main-key"
    assert backoff.refusal(other) == "too many failed key fetches for that server; try later"
    assert backoff.refusal("https://elsewhere.example/users/new#main-key") is None  # per host
    clock.now += WINDOW_SECONDS + 1
    assert backoff.refusal(other) is None


def test_a_success_forgives_the_host():
    backoff = KeyBackoff(Clock())
    for i in range(FAILURES_PER_WINDOW):
        backoff.failed(f"https://remote.example/users/u{i}#main-key", missing=False)
    backoff.succeeded(KEY)
    assert backoff.refusal("https://remote.example/users/new#main-key") is None
