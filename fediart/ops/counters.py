"""The counters and the latency histogram, and the one-line hooks the worker, outbox and inbox call.

They live in this process's memory (each process counts what it did; Prometheus sums them across
targets). They belong to no registry: the /metrics route adds them to the registry it builds, so
several apps in one process (tests) share them without clashing, and counting costs the same
whether or not metrics are served.
"""

from __future__ import annotations

import functools
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.process_collector import ProcessCollector


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"        # failed this time; another attempt is scheduled
    GAVE_UP = "gave_up"    # refused, gone, blocked, or out of attempts


DELIVERIES = Counter("fediart_delivery_attempts", "Delivery attempts to remote inboxes, by what they came to.",
                     ["outcome"], registry=None)
INBOX_ACTIVITIES = Counter("fediart_inbox_activities_received",
                           "Activities accepted into the inbox queue (repeats excluded), by type; types fediart "
                           "does not handle are counted as other.", ["type"], registry=None)
HTTP_REQUESTS = Counter("fediart_http_requests", "HTTP requests answered, by route template and status class.",
                        ["route", "method", "status"], registry=None)
HTTP_LATENCY = Histogram("fediart_http_request_duration_seconds",
                         "Time from request to the end of the response body, by route template.",
                         ["route"], registry=None,
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))

ALL = (DELIVERIES, INBOX_ACTIVITIES, HTTP_REQUESTS, HTTP_LATENCY)

OTHER_TYPE = "other"


@functools.cache
def _known_types() -> frozenset[str]:
    # The handled types bound the label set: a remote server cannot create a time series per made-up type.
    from fediart.inbox.handlers import HANDLERS

    return frozenset(HANDLERS)


def process_registry() -> CollectorRegistry:
    """A registry of this process's counters and its resource use (memory, CPU, open files)."""
    registry = CollectorRegistry(auto_describe=False)
    for metric in ALL:
        registry.register(metric)
    ProcessCollector(registry=registry)
    return registry


def delivery_finished(outcome: DeliveryOutcome) -> None:
    DELIVERIES.labels(outcome).inc()


def inbox_accepted(activity_type: str) -> None:
    INBOX_ACTIVITIES.labels(activity_type if activity_type in _known_types() else OTHER_TYPE).inc()
