"""`fediart crawlers update FILE` and `fediart crawlers list`, and what the gate then refuses."""

import json

import pytest

from fediart.commands import CliError

ROBOTS_JSON = {
    "GPTBot": {"operator": "OpenAI", "respect": "Yes", "function": "Scrapes data to train models."},
    "PaintGrabber": {"operator": "Unknown", "respect": "No", "function": "Image datasets."},
}


async def test_update_replaces_the_list_and_the_gate_follows(cli, client, make_artist, tmp_path):
    await make_artist("ana")
    path = tmp_path / "robots.json"
    path.write_text(json.dumps(ROBOTS_JSON))
    out = await cli("crawlers", "update", str(path))
    assert out.startswith("2 added, 0 removed, 2 crawlers refused")
    assert (await client.get("/@ana", headers={"User-Agent": "PaintGrabber/1.0"})).status_code == 403
    assert (await client.get("/@ana", headers={"User-Agent": "CCBot/2.0"})).status_code == 200

    path.write_text(json.dumps(["PaintGrabber", "CCBot"]))
    out = await cli("crawlers", "update", str(path))
    assert out.splitlines()[0] == "1 added, 1 removed, 2 crawlers refused"
    assert "  + CCBot" in out and "  - GPTBot" in out
    listed = await cli("crawlers", "list")
    assert "set with `fediart crawlers update`" in listed
    assert "  CCBot" in listed and "GPTBot" not in listed
    assert (await client.get("/@ana", headers={"User-Agent": "CCBot/2.0"})).status_code == 403


async def test_list_shows_the_shipped_list_before_any_update(cli):
    out = await cli("crawlers", "list")
    assert "the list shipped with fediart" in out and "  GPTBot" in out


@pytest.mark.parametrize("content, message", [
    (json.dumps({"GPTBot": {}, "Googlebot": {}}), "Googlebot (would refuse Googlebot)"),
    (json.dumps(["Mastodon"]), "Mastodon (would refuse Mastodon)"),
    (json.dumps("GPTBot"), "expected a JSON object"),
    (json.dumps([]), "the list is empty"),
    (json.dumps(["Bad Bot"]), "no spaces"),
    ("{not json", "is not JSON"),
])
async def test_a_bad_file_is_refused_and_nothing_changes(cli, tmp_path, content, message):
    await cli("crawlers", "update", str(_write(tmp_path, json.dumps(["CCBot"]))))
    path = _write(tmp_path, content)
    assert message in await _run_failing(cli, "crawlers", "update", str(path))
    assert "  CCBot" in await cli("crawlers", "list")


def _write(tmp_path, content: str):
    path = tmp_path / "list.json"
    path.write_text(content)
    return path


async def _run_failing(cli, *argv):
    with pytest.raises(CliError) as failure:
        await cli(*argv)
    return str(failure.value)
