"""Logging set-up: one readable line per event, to stderr."""

from __future__ import annotations

import logging
import os

from fediart.text import terminal_safe


class TerminalSafeFormatter(logging.Formatter):
    """Log lines quote what other servers send (names, URLs, reasons): none of it may drive the
    admin's terminal or forge a second line. Tracebacks, which are ours, are left as they are."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().formatMessage(record))


class ProbeFilter(logging.Filter):
    """Drops uvicorn's access-log lines for /healthz and /metrics: probed every few seconds, they would
    bury the requests people make."""

    PATHS = ("/healthz", "/metrics")

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn.access passes (client, method, path with query, HTTP version, status).
        path = args[2] if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) else ""
        return path.split("?", 1)[0] not in self.PATHS


def setup_logging(level: str | None = None) -> None:
    level = level or os.environ.get("FEDIART_LOG_LEVEL", "INFO")
    handler = logging.StreamHandler()
    handler.setFormatter(TerminalSafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    # One line per outgoing request would drown everything else during a fan-out.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    # On the logger itself, which uvicorn's own logging set-up keeps (it replaces handlers, not filters).
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, ProbeFilter) for f in access.filters):
        access.addFilter(ProbeFilter())
