"""The dispatch table: which function handles which activity type."""

from __future__ import annotations

HANDLERS: dict = {}
