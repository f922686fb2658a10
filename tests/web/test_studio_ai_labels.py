"""The studio's "How was this made?" select on the upload and edit forms, the AI-generated badges on the
public pages, the instance's refusal switch, and the profile's "hide AI-generated images" checkbox."""

from __future__ import annotations

import re
from dataclasses import replace

from ai_images import jpeg_saying
from posting import add_remote, png
from studio_support import signed_in
from test_studio_posting import alert_of, fields_of, post_new, rows

from fediart.media.provenance import IPTC_BASE
from fediart.store.tables import Account, Media, OutboxActivity, Post
from fediart.worker import run_due_work

AI = IPTC_BASE + "trainedAlgorithmicMedia"


def options_of(html: str, name: str) -> list[tuple[str, bool]]:
    """The (value, selected) options of the select named `name`."""
    found = re.search(rf'<select id="{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, name
    return [(value, bool(selected)) for value, selected in
            re.findall(r'<option value="([^"]*)"( selected)?>', found.group(1))]


async def test_each_image_slot_asks_how_it_was_made_defaulting_to_the_artists_own_work(client, services,
                                                                                        make_artist):
    await signed_in(client, services, make_artist)
    page = (await client.get("/studio/new")).text
    for n in range(1, 5):
        assert f'<label for="made_{n}">How was image {n} made?</label>' in page
        assert options_of(page, f"made_{n}") == [("digitalCreation", True), ("humanEdits", False),
                                                 ("compositeWithTrainedAlgorithmicMedia", False),
                                                 ("trainedAlgorithmicMedia", False)]
    assert fields_of(page, "/studio/new")[0]["made_1"] == "digitalCreation"


async def test_a_declared_ai_image_is_stored_and_badged_on_the_post_page_and_gallery(client, services, make_artist):
    await signed_in(client, services, make_artist)
    response = await post_new(client, [(1, "a.png", png())], text="Made with a model", alt_1="a heron",
                              made_1="trainedAlgorithmicMedia")
    assert response.status_code == 303, response.text
    [media] = await rows(services, Media)
    [post] = await rows(services, Post)
    assert media.digital_source_type == AI
    assert '<p class="ai-label">AI-generated</p>' in (await client.get(f"/@ana/{post.id}")).text
    assert '<span class="work-ai">AI-generated</span>' in (await client.get("/@ana")).text


async def test_the_default_choice_does_not_hide_what_the_file_says(client, services, make_artist):
    await signed_in(client, services, make_artist)
    await post_new(client, [(1, "made.jpg", jpeg_saying("trainedAlgorithmicMedia")), (2, "b.png", png())],
                   text="Two", alt_1="generated", alt_2="drawn")
    made, drawn = sorted(await rows(services, Media), key=lambda m: m.position)
    assert made.digital_source_type == AI  # the file's IPTC tag outlived the select's default
    assert drawn.digital_source_type == IPTC_BASE + "digitalCreation"
    [post] = await rows(services, Post)
    assert (await client.get(f"/@ana/{post.id}")).text.count("AI-generated</p>") == 1


async def test_an_unknown_choice_is_refused_with_the_form_filled_in(client, services, make_artist):
    await signed_in(client, services, make_artist)
    response = await post_new(client, [(1, "a.png", png())], text="Keep me", alt_1="x", made_1="byMagic")
    assert response.status_code == 422
    assert "choose how it was made" in alert_of(response.text)
    assert await rows(services, Media) == []


async def test_the_edit_page_shows_the_stored_value_and_a_change_federates(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist)
    carol = await add_remote(services, network, "carol", follows=ana)
    await post_new(client, [(1, "a.png", png())], text="Words", alt_1="a bird", made_1="trainedAlgorithmicMedia")
    [post] = await rows(services, Post)
    [media] = await rows(services, Media)
    action = f"/studio/works/{post.id}/edit"
    page = (await client.get(action)).text
    assert f'<label for="made_{media.id}">How was image 1 made?</label>' in page
    assert ("trainedAlgorithmicMedia", True) in options_of(page, f"made_{media.id}")
    fields, _ = fields_of(page, action)
    refused = await client.post(action, data={**fields, f"made_{media.id}": "byMagic"})
    assert refused.status_code == 422
    response = await client.post(action, data={**fields, f"made_{media.id}": "humanEdits"})
    assert response.status_code == 303, response.text
    [media] = await rows(services, Media)
    assert media.digital_source_type == IPTC_BASE + "humanEdits"
    assert "AI-generated</p>" not in (await client.get(f"/@ana/{post.id}")).text
    await run_due_work(services)
    [update] = [d for d in network.deliveries_to(carol.shared_inbox_url) if d["type"] == "Update"]
    assert update["object"]["attachment"][0]["digitalSourceType"] == IPTC_BASE + "humanEdits"


async def test_an_instance_that_refuses_ai_says_so_in_the_studio(client, services, make_artist, monkeypatch):
    config = services.config
    monkeypatch.setattr(services, "config", replace(config, media=replace(config.media, refuse_ai_generated=True)))
    await signed_in(client, services, make_artist)
    declared = await post_new(client, [(1, "a.png", png())], text="x", alt_1="x", made_1="trainedAlgorithmicMedia")
    assert declared.status_code == 422
    assert "does not accept AI-generated images" in alert_of(declared.text)
    tagged = await post_new(client, [(1, "a.jpg", jpeg_saying("compositeWithTrainedAlgorithmicMedia"))],
                            text="x", alt_1="x")
    assert tagged.status_code == 422
    assert await rows(services, Media) == [] and await rows(services, Post) == []


async def test_the_profile_checkbox_hides_ai_media_without_telling_other_servers(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    page = (await client.get("/studio/profile")).text
    assert '<label for="hide_ai_media">Hide AI-generated images in my timelines</label>' in page
    fields, _ = fields_of(page, "/studio/profile")
    assert "hide_ai_media" not in fields  # unticked
    sent = len(await rows(services, OutboxActivity))
    response = await client.post("/studio/profile", data={**fields, "hide_ai_media": "1"})
    assert response.status_code == 303, response.text
    [account] = await rows(services, Account, Account.id == ana.id)
    assert account.hide_ai_media is True
    assert len(await rows(services, OutboxActivity)) == sent
    assert 'id="hide_ai_media" name="hide_ai_media" type="checkbox" value="1" checked' in (
        await client.get("/studio/profile")).text
    forged = await client.post("/studio/profile", data={**fields, "csrf_token": "forged"})
    assert forged.status_code == 403
    [account] = await rows(services, Account, Account.id == ana.id)
    assert account.hide_ai_media is True  # the forged form (unticked) changed nothing
