"""The Content Credentials panel of a post page, as a visitor reads it."""

from __future__ import annotations

from credentials_support import image

from fediart.actions.media import upload_media
from fediart.actions.posts import create_status
from fediart.credentials.keys import credential_paths


async def test_the_post_page_shows_who_signed_how_it_was_made_and_what_ai_may_do(client, services, make_artist):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("JPEG"), description="A heron")
    post = await create_status(services, ana, text="heron", media_ids=[str(media.id)])
    page = await client.get(f"/@ana/{post.id}")
    assert page.status_code == 200
    html = page.text
    assert '<h2 id="credentials-heading">Content Credentials</h2>' in html
    assert "art.example media signer (art.example)" in html
    assert "made by a person with digital tools" in html
    assert "not allowed: AI training, generative AI training, use as AI input, data mining" in html
    assert "outside validators show an untrusted signer" in html
    assert f'href="{services.urls.actor("ana")}"' in html
    assert 'style="' not in html


async def test_an_image_stored_without_credentials_shows_no_panel(client, services, make_artist):
    for path in credential_paths(services.config).all():
        path.unlink()  # an instance from before Content Credentials
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("PNG", (300, 200)), description="old")
    assert not (services.media_dir / (media.file + ".c2pa")).exists()
    post = await create_status(services, ana, text="old work", media_ids=[str(media.id)])
    page = await client.get(f"/@ana/{post.id}")
    assert page.status_code == 200 and "Content Credentials" not in page.text
    # Its file is served without a manifest link.
    response = await client.get(f"/media/{media.file}")
    assert "c2pa-manifest" not in response.headers["link"]
