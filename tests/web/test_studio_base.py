"""The studio is behind sign-in, answers with no-store pages, and refuses forms without the CSRF token."""

from studio_support import signed_in

from helpers import BROWSER_ACCEPT


async def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page_and_back(client):
    response = await client.get("/studio?tab=works", headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/login?next=/studio%3Ftab%3Dworks")


async def test_a_signed_in_artist_sees_their_studio_with_the_licence_and_no_caching(client, services, make_artist):
    await signed_in(client, services, make_artist, display_name="Ana Lima")
    response = await client.get("/studio")
    assert response.status_code == 200
    assert "Welcome, Ana Lima" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["tdm-reservation"] == "1"
    assert '<meta name="tdm-reservation" content="1">' in response.text


async def test_the_notice_after_a_form_comes_from_a_fixed_list_never_from_the_url(client, services, make_artist):
    await signed_in(client, services, make_artist)
    shown = await client.get("/studio", params={"done": "posted"})
    assert "Your work is posted." in shown.text
    hostile = await client.get("/studio", params={"done": "<script>alert(1)</script>"})
    assert "alert(1)" not in hostile.text and 'role="status"' not in hostile.text
