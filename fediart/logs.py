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


def setup_logging(level: str | None = None) -> None:
    level = level or os.environ.get("FEDIART_LOG_LEVEL", "INFO")
    handler = logging.StreamHandler()
    handler.setFormatter(TerminalSafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    # One line per outgoing request would drown everything else during a fan-out.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
