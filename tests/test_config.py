"""Configuration: defaults derived from the domain, clear errors, environment overrides."""

import pytest

from fediart.config import ConfigError, config_from_dict, load_config


def test_loopback_domain_gets_http_and_the_development_switch_is_allowed():
    config = config_from_dict({"server": {"domain": "localhost:8000"}, "federation": {"allow_private_addresses": True}})
    assert config.base_url == "http://localhost:8000"
    assert config.is_development


def test_public_domain_gets_https_and_refuses_the_development_switch():
    assert config_from_dict({"server": {"domain": "Art.Example"}}).base_url == "https://art.example"
    with pytest.raises(ConfigError, match="allow_private_addresses is for development only"):
        config_from_dict({"server": {"domain": "art.example"}, "federation": {"allow_private_addresses": True}})


def test_unknown_key_names_the_key_and_the_file(tmp_path):
    path = tmp_path / "fediart.toml"
    path.write_text('[server]\ndomain = "art.example"\ndomian = "typo"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path, env={})
    assert str(path) in str(error.value) and "[server] domian" in str(error.value)


def test_wrong_types_missing_domain_and_bad_licence_are_explained(tmp_path):
    with pytest.raises(ConfigError, match=r"\[server\] port must be a int"):
        config_from_dict({"server": {"domain": "art.example", "port": "eighty"}})
    with pytest.raises(ConfigError, match="domain is missing"):
        config_from_dict({"server": {}})
    with pytest.raises(ConfigError, match="unknown licence 'cc-by-99'"):
        config_from_dict({"server": {"domain": "art.example"}, "licence": {"default": "cc-by-99"}})
    with pytest.raises(ConfigError, match="bare host name"):
        config_from_dict({"server": {"domain": "https://art.example/"}})
    with pytest.raises(ConfigError, match="not valid TOML"):
        (tmp_path / "bad.toml").write_text("[server\n")
        load_config(tmp_path / "bad.toml", env={})


def test_environment_overrides_keys(tmp_path):
    path = tmp_path / "fediart.toml"
    path.write_text('[server]\ndomain = "art.example"\n[database]\nurl = "sqlite+aiosqlite:///x.db"\n')
    config = load_config(path, env={"FEDIART_DATABASE_URL": "postgresql+asyncpg://db/fediart",
                                    "FEDIART_SERVER_WORKERS": "3"})
    assert config.database.url == "postgresql+asyncpg://db/fediart"
    assert config.server.workers == 3


def test_example_config_is_complete_and_valid():
    """config.example.toml documents every key, and loads as it stands."""
    import tomllib
    from dataclasses import fields
    from pathlib import Path

    from fediart.config import _SECTION_TYPES

    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    text = example.read_text()
    raw = tomllib.loads(text)
    config_from_dict(raw, str(example))
    for section, cls in _SECTION_TYPES.items():
        for f in fields(cls):
            assert f"{f.name} =" in text, f"config.example.toml does not document [{section}] {f.name}"


def test_default_language_is_en_and_must_be_a_language_tag():
    assert config_from_dict({"server": {"domain": "art.example"}}).server.default_language == "en"
    config = config_from_dict({"server": {"domain": "art.example", "default_language": "pt-BR"}})
    assert config.server.default_language == "pt-BR"
    for bad in ("", "english language", "e", "en_US", "<script>", "en-"):
        with pytest.raises(ConfigError, match=r"\[server\] default_language must be a language tag"):
            config_from_dict({"server": {"domain": "art.example", "default_language": bad}})


def test_relative_paths_in_the_file_are_relative_to_its_folder(tmp_path, monkeypatch):
    folder = tmp_path / "srv"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)  # started from elsewhere
    path = folder / "fediart.toml"
    path.write_text('[server]\ndomain = "art.example"\n[database]\nurl = "sqlite+aiosqlite:///./db/fediart.sqlite3"\n'
                    '[media]\ndir = "pictures"\n')
    config = load_config("srv/fediart.toml", env={})
    assert config.database.url == f"sqlite+aiosqlite:///{folder}/db/fediart.sqlite3"
    assert config.media.dir == str(folder / "pictures")
    path.write_text('[server]\ndomain = "art.example"\n')  # the defaults are relative too
    config = load_config(path, env={})
    assert (config.database.url, config.media.dir) == (f"sqlite+aiosqlite:///{folder}/data/fediart.sqlite3",
                                                       str(folder / "data" / "media"))


def test_relative_paths_in_environment_variables_are_relative_to_the_current_directory(tmp_path, monkeypatch):
    (tmp_path / "srv").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "srv" / "fediart.toml").write_text('[server]\ndomain = "art.example"\n')
    config = load_config("srv/fediart.toml", env={"FEDIART_DATABASE_URL": "sqlite+aiosqlite:///here.sqlite3",
                                                  "FEDIART_MEDIA_DIR": "./media"})
    assert config.database.url == f"sqlite+aiosqlite:///{tmp_path}/here.sqlite3"
    assert config.media.dir == str(tmp_path / "media")


def test_absolute_and_server_database_urls_are_kept(tmp_path):
    path = tmp_path / "fediart.toml"
    for url in ("sqlite+aiosqlite:////var/lib/fediart/db.sqlite3", "postgresql+asyncpg://fediart:s%40cret@db/fediart",
                "sqlite+aiosqlite:///:memory:"):
        path.write_text(f'[server]\ndomain = "art.example"\n[database]\nurl = "{url}"\n[media]\ndir = "/srv/m"\n')
        config = load_config(path, env={})
        assert (config.database.url, config.media.dir) == (url, "/srv/m")
    path.write_text('[server]\ndomain = "art.example"\n[database]\nurl = "fediart.sqlite3"\n')
    with pytest.raises(ConfigError, match=r"fediart.toml: \[database\] url is not a database URL: 'fediart.sqlite3'"):
        load_config(path, env={})


def test_a_worker_concurrency_below_one_is_refused():
    for key in ("concurrency", "inbox_concurrency"):
        with pytest.raises(ConfigError, match=rf"\[worker\] {key} must be at least 1"):
            config_from_dict({"server": {"domain": "art.example"}, "worker": {key: 0}})
    assert config_from_dict({"server": {"domain": "art.example"}, "worker": {"inbox_concurrency": 1}})
