"""Snowflake ids: time-sortable, and only real row ids reach the database."""

from datetime import UTC, datetime

from fediart.store.ids import MAX_ID, id_at, new_id, parse_id


def test_new_ids_grow_and_sort_as_clients_sort_them():
    made = [new_id() for _ in range(1000)]
    assert made == sorted(made) and len(set(made)) == 1000
    as_text = [str(i) for i in made]
    assert as_text == sorted(as_text, key=lambda t: (len(t), t))
    assert id_at(datetime(2020, 1, 1, tzinfo=UTC)) < made[0] <= MAX_ID


def test_only_ascii_digits_within_bigint_name_a_row():
    assert parse_id("117683864875451773") == 117683864875451773
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), "9355401179514957745", "²", "١٢", "-5", "0", "", " 12", "12a", "1e3", None, True):
        assert parse_id(bad) is None, bad


async def test_an_id_too_large_for_the_database_is_a_404_not_a_500(client):
    for path in ("/api/v1/accounts/9355401179514957745/statuses", "/api/v1/accounts/9355401179514957745",
                 "/api/v1/statuses/9355401179514957745", "/api/v1/statuses/%C2%B2/context",
                 "/api/v1/timelines/public?max_id=9355401179514957745&since_id=%C2%B2"):
        response = await client.get(path)
        assert response.status_code in (200, 404) and response.headers["content-type"].startswith("application/json")
        if "timelines" in path:
            assert response.json() == []
