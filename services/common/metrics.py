"""Prometheus metrics shared by the kit; each process exposes them on `/metrics`."""

from prometheus_client import Counter, Gauge, Histogram

OUTBOX_BACKLOG = Gauge("reemploy_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_LAG = Gauge(
    "reemploy_outbox_lag_seconds", "Age of the oldest unpublished outbox row (0 when empty)", ["service"]
)
OUTBOX_PUBLISHED = Counter("reemploy_outbox_published_total", "Outbox rows published", ["service"])
OUTBOX_PUBLISH_FAILURES = Counter(
    "reemploy_outbox_publish_failures_total", "Failed attempts to publish an outbox batch", ["service"]
)
OUTBOX_REPUBLISHED = Counter(
    "reemploy_outbox_republished_total",
    "Rows queued for publishing again because the broker lost them or an operator replayed them",
    ["service", "reason"],
)
CONSUMER_EVENTS = Counter(
    "reemploy_consumer_events_total", "Events handled by a consumer, by outcome", ["consumer", "outcome"]
)
CONSUMER_DEAD_LETTERS = Counter(
    "reemploy_consumer_dead_letters_total", "Events sent to a dead-letter topic", ["consumer", "topic"]
)
CONSUMER_HANDLE_SECONDS = Histogram(
    "reemploy_consumer_handle_seconds",
    "Time to apply one event (in a batch applied as one transaction, its share of the batch)",
    ["consumer"],
)
HTTP_REQUESTS = Counter(
    "reemploy_http_requests_total", "HTTP requests by route and status", ["service", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "reemploy_http_request_seconds", "HTTP request latency by route", ["service", "route"]
)
