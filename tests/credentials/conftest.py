"""Every test here runs on an instance that has Content Credentials keys (made by the real code)."""

from __future__ import annotations

import pytest
from helpers import make_config

from fediart.credentials.keys import create_credentials


def credentials_section(tmp_path) -> dict[str, str]:
    folder = tmp_path / "credentials"
    return {"cert_chain": str(folder / "chain.pem"), "private_key": str(folder / "key.pem"),
            "trust_anchor": str(folder / "anchor.pem")}


@pytest.fixture
async def config(database_settings, tmp_path):
    config = make_config(database_settings, tmp_path, credentials=credentials_section(tmp_path))
    create_credentials(config)
    return config
