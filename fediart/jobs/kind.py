"""What declaring a job kind means: the one place its name, states, limits and code are written down."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from fediart.config import WorkerConfig

if TYPE_CHECKING:
    from fediart.jobs.runner import Runner
    from fediart.services import Services
    from fediart.store.jobs import Claimed


class GiveUp(Exception):
    """A job that can never succeed (its payload names something gone, the config forbids it): it fails
    at once with this message instead of being retried."""


class Progress:
    """How far a long job got; set from any thread, written to its row with the lease renewals."""

    def __init__(self) -> None:
        self.value: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        self.value = (done, total)


# A job-table kind's work: given the services, the claimed job and its progress, do it or raise.
Perform = Callable[["Services", "Claimed", Progress], Awaitable[Any]]
# A periodic kind's scheduler: add the jobs that are due (deduplicated); returns how many it added.
Schedule = Callable[["Services"], Awaitable[int]]


@dataclass(frozen=True)
class Kind:
    """One kind of background work, as the worker and `fediart jobs` see it."""

    name: str                                   # JobKind; stored in job.kind for job-table kinds
    states: type[StrEnum]                       # the states its rows move through
    concurrency: Callable[[WorkerConfig], int]  # how many of this kind one worker runs at once
    max_attempts: Callable[[WorkerConfig], int]
    backoff: Callable[[int], float]             # seconds to wait after the n-th failed attempt
    runner: Callable[["Services", "Kind"], "Runner"]  # how it is claimed and run inside one worker
    perform: Perform | None = None              # job-table kinds: run one job
    schedule: Schedule | None = None            # periodic kinds: make due work into jobs
    check_every: Callable[[WorkerConfig], float] = lambda settings: 60.0  # how often to call schedule
    table: type | None = None                   # its own table (deliveries, inbox items); None: the job table
    about: str = ""                             # one line for `fediart jobs`

    @property
    def on_job_table(self) -> bool:
        return self.table is None

    def __post_init__(self) -> None:
        if self.on_job_table and self.perform is None:
            raise ValueError(f"job kind {self.name}: a job-table kind needs perform")
