"""Running fediart in production: the health check, Prometheus metrics and the request instrumentation."""
