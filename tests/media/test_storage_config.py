"""[storage]: the local folder by default; an s3 backend's settings checked with messages naming the key."""

from __future__ import annotations

import pytest

from fediart.config import ConfigError, config_from_dict
from fediart.media.storage import LocalStorage, S3Storage, make_storage


def storage(**values):
    return config_from_dict({"server": {"domain": "art.example"}, "storage": values}, "fediart.toml")


def test_the_default_is_the_local_media_folder():
    config = storage()
    assert config.storage.backend == "local"
    assert isinstance(make_storage(config), LocalStorage)


@pytest.mark.parametrize("values, message", [
    ({"backend": "s4"}, "[storage] backend must be local or s3, not 's4'"),
    ({"backend": "s3"}, "[storage] bucket is missing"),
    ({"backend": "s3", "bucket": "Bad_Bucket"}, "[storage] bucket must be an S3 bucket name"),
    ({"backend": "s3", "bucket": "media", "endpoint": "s3.example"}, "[storage] endpoint must be an http(s) URL"),
    ({"bucket": "media", "public_base_url": "cdn.example"}, "[storage] public_base_url must be an http(s) URL"),
    ({"backend": "s3", "bucket": "media", "access_key_id": "x"}, "access_key_id and secret_access_key go together"),
    ({"backend": "s3", "bucket": "media", "prefix": "a/../b"}, "[storage] prefix must be a plain key prefix"),
    ({"bucket": "media", "colour": "red"}, "unknown key [storage] colour"),
])
def test_bad_settings_are_refused_naming_the_key(values, message):
    with pytest.raises(ConfigError) as refused:
        storage(**values)
    assert refused.value.args[0].startswith("fediart.toml: ") and message in refused.value.args[0]


def test_s3_settings_are_normalised():
    config = storage(backend="s3", bucket="media", endpoint="http://127.0.0.1:9000", prefix="/fediart",
                     public_base_url="https://cdn.example/")
    assert config.storage.prefix == "fediart/" and config.storage.public_base_url == "https://cdn.example"
    built = make_storage(config)
    assert isinstance(built, S3Storage) and built.key("ana/x.png") == "fediart/ana/x.png"
    assert built.url("ana/x.png") == "https://cdn.example/fediart/ana/x.png"
    assert built.url("originals/ana/x.png") is None
