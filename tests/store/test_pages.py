"""Mastodon's id cursors as query terms, from any mapping of request values."""

from sqlalchemy import column

from fediart.store.pages import Page


def test_limit_is_clamped_and_unreadable_values_fall_back_to_the_default():
    assert Page.from_params({"limit": "500"}).limit == 40
    assert Page.from_params({"limit": "0"}).limit == 20
    assert Page.from_params({"limit": "-3"}).limit == 1
    assert Page.from_params({"limit": "lots"}, default=15).limit == 15
    assert Page.from_params({}, default=40, maximum=80).limit == 40
    assert Page.from_params({"max_id": "abc", "since_id": ""}) == Page(None, None, None, 20)


def test_cursors_become_conditions_and_min_id_reads_upwards():
    page = Page.from_params({"max_id": "90", "since_id": "10", "limit": "2"})
    id_ = column("id")
    assert [str(c) for c in page.conditions(id_)] == ["id < :id_1", "id > :id_1"]
    assert not page.ascending and page.arrange([3, 2]) == [3, 2]
    upwards = Page.from_params({"min_id": "5"})
    assert upwards.ascending and str(upwards.order(id_)) == "id ASC" and upwards.arrange([6, 7]) == [7, 6]
