"""Markers through HTTP: saved as JSON (masto.js) or a form (Tusky), read back per timeline, versioned."""

from __future__ import annotations

from strict import DATETIME


async def test_markers_round_trip_in_json_and_form(client, make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    headers = await bearer(ana)
    empty = await client.get("/api/v1/markers", params={"timeline[]": ["home", "notifications"]}, headers=headers)
    assert empty.status_code == 200 and empty.json() == {}

    saved = await client.post("/api/v1/markers", json={"notifications": {"last_read_id": "111"}}, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["notifications"]["last_read_id"] == "111" and saved.json()["notifications"]["version"] == 1
    form = await client.post("/api/v1/markers", data={"home[last_read_id]": "222"}, headers=headers)
    assert form.status_code == 200 and list(form.json()) == ["home"]
    again = await client.post("/api/v1/markers", data={"notifications[last_read_id]": "333"}, headers=headers)
    assert again.json()["notifications"]["version"] == 2

    both = (await client.get("/api/v1/markers", params={"timeline[]": ["home", "notifications"]},
                             headers=headers)).json()
    assert {k: (v["last_read_id"], v["version"]) for k, v in both.items()} == {
        "home": ("222", 1), "notifications": ("333", 2)}
    assert all(DATETIME.match(v["updated_at"]) for v in both.values())
    only_home = (await client.get("/api/v1/markers?timeline[]=home", headers=headers)).json()
    assert list(only_home) == ["home"]
    # Another artist's markers are their own.
    assert (await client.get("/api/v1/markers?timeline[]=home", headers=await bearer(zoe))).json() == {}


async def test_bad_markers_are_422_and_tokens_are_required(client, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    for body in ({}, {"lists": {"last_read_id": "1"}}, {"home": {"last_read_id": "9" * 40}}, {"home": {}}):
        response = await client.post("/api/v1/markers", json=body, headers=headers)
        assert response.status_code == 422, body
        assert "error" in response.json()
    assert (await client.get("/api/v1/markers")).status_code == 401
