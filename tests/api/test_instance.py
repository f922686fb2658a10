"""Instance v1 and v2 through HTTP, as the clients read them (research/clientapi.md §2, §6), without a token;
the small instance documents; CORS for web clients."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from helpers import make_config
from posting import jpeg, png

import fediart
from fediart.api.instance import SUPPORTED_MIME_TYPES, configuration
from fediart.services import build_services
from fediart.media.validate import sniff_format


async def test_v2_has_what_every_client_reads(client, network, services):
    response = await client.get("/api/v2/instance")
    assert response.status_code == 200
    doc = response.json()
    assert doc["domain"] == "art.example" and doc["title"] == "fediart"
    assert doc["version"] == f"4.2.0 (compatible; fediart {fediart.__version__})"
    assert doc["api_versions"] == {"mastodon": 1}
    config = doc["configuration"]
    # The WebSocket origin clients add /api/v1/streaming to (tests/streaming/ shows it answers there).
    assert config["urls"] == {"streaming": "wss://art.example"}
    assert config["statuses"]["characters_reserved_per_url"] == 23
    assert isinstance(config["statuses"]["max_characters"], int) and config["statuses"]["max_media_attachments"] >= 1
    media = config["media_attachments"]
    assert media["image_size_limit"] == services.config.media.max_upload_mb * 2**20
    assert media["image_matrix_limit"] >= 33_177_600 and media["description_limit"] >= 1500
    assert (media["video_size_limit"], media["video_frame_rate_limit"], media["video_matrix_limit"]) == (0, 0, 0)
    assert config["polls"] == {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                               "max_expiration": 2629746}
    assert config["accounts"] == {"max_featured_tags": 0, "max_pinned_statuses": 5}
    assert config["translation"] == {"enabled": False}
    assert doc["registrations"]["enabled"] is False and doc["registrations"]["message"] is None
    assert doc["contact"]["account"] is None and isinstance(doc["contact"]["email"], str)
    assert doc["icon"] == [] and doc["rules"] == [] and doc["languages"] == ["en"]
    assert isinstance(doc["usage"]["users"]["active_month"], int) and doc["source_url"].startswith("https://")
    assert doc["licence"]["ai_training"] == "reserved"
    thumbnail = await client.get(doc["thumbnail"]["url"])
    assert thumbnail.status_code == 200
    Image.open(io.BytesIO(thumbnail.content)).verify()  # a real image, not a placeholder URL


@pytest.mark.parametrize("path", ["/api/v1/instance", "/api/v1/instance/"])
async def test_v1_as_mastodon_py_and_the_ios_app_read_it(client, make_artist, path):
    await make_artist("ana")
    response = await client.get(path)
    assert response.status_code == 200
    doc = response.json()
    for key in ("uri", "title", "short_description", "description", "email", "version"):
        assert isinstance(doc[key], str), key
    assert doc["version"].split(" ")[0] == "4.2.0"  # Mastodon.py cuts at the first space
    assert doc["urls"] == {"streaming_api": "wss://art.example"}  # the iOS app requires a string
    assert doc["stats"] == {"user_count": 1, "status_count": 0, "domain_count": 0}
    assert (doc["registrations"], doc["approval_required"], doc["invites_enabled"]) == (False, False, False)
    assert doc["thumbnail"].startswith("https://") and doc["contact_account"] is None
    assert doc["configuration"]["media_attachments"]["supported_mime_types"] == SUPPORTED_MIME_TYPES


def test_every_advertised_type_is_accepted_by_upload_validation():
    samples = {"image/jpeg": jpeg(), "image/png": png()}
    for kind, pillow_name in (("image/gif", "GIF"), ("image/webp", "WEBP")):
        out = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(out, pillow_name)
        samples[kind] = out.getvalue()
    assert set(samples) == set(SUPPORTED_MIME_TYPES)
    for kind, data in samples.items():
        assert Image.MIME[sniff_format(data)] == kind


async def test_peers_rules_and_the_small_documents(client, network, services):
    assert (await client.get("/api/v1/instance/peers")).json() == []
    await services.remote_actors.by_uri(network.add_actor("bob", host="remote.example").uri)
    assert (await client.get("/api/v1/instance/peers")).json() == ["remote.example"]
    assert (await client.get("/api/v1/instance")).json()["stats"]["domain_count"] == 1
    assert (await client.get("/api/v1/instance/rules")).json() == []
    assert (await client.get("/api/v1/instance/translation_languages")).json() == {}
    extended = (await client.get("/api/v1/instance/extended_description")).json()
    assert extended["content"].startswith("<p>") and extended["updated_at"].endswith("Z")


async def test_cors_preflight_on_the_api_exposes_link(client):
    response = await client.options("/api/v1/timelines/home", headers={
        "Origin": "https://phanpy.social", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    page = await client.get("/api/v1/timelines/public", headers={"Origin": "https://phanpy.social"})
    assert "link" in page.headers["access-control-expose-headers"].lower()


async def test_an_http_instance_advertises_ws_streaming(database_settings, tmp_path):
    """A loopback (http) instance streams over ws://, with its port: wss:// there could never connect."""
    config = make_config(database_settings, tmp_path, domain="localhost:8000")
    services = build_services(config)
    try:
        assert configuration(services)["urls"] == {"streaming": "ws://localhost:8000"}
    finally:
        await services.close()
