"""Entry point for uvicorn workers: builds the app from the config file named in FEDIART_CONFIG."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from fediart.app import create_app
from fediart.config import load_config
from fediart.logs import setup_logging


def app_factory() -> Starlette:
    setup_logging()
    return create_app(load_config(os.environ.get("FEDIART_CONFIG", "fediart.toml")))
