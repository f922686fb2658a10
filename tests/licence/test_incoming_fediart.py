"""fediart's own Note and Person, as its converters render them, read back by the incoming parser.

Both forms count: the compacted document as served, and its JSON-LD expansion (what a server that
expands sees)."""

from __future__ import annotations

import pytest
from fakes import signed_get
from helpers import AP_ACCEPT
from posting import png, publish

from fediart.activitypub.jsonld import expand
from fediart.licence.incoming import Permission, parse_object

BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"


@pytest.mark.parametrize("licence_key, url", [("all-rights-reserved", None), ("cc-by-nc-nd-4.0", BY_NC_ND)])
async def test_fediart_note_reads_back(client, network, services, make_artist, licence_key, url):
    await make_artist("ana", licence_key=licence_key)
    post = await publish(services, text="Heron", images=[(png(), "a heron")])
    actor = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    note = (await signed_get(client, network.fetcher(), f"/users/ana/statuses/{post.id}", AP_ACCEPT)).json()
    signals = parse_object(note, actor)
    assert signals.licence_url == url
    assert signals.tdm_reserved is True
    assert signals.ai_training == Permission.DENIED
    assert signals.search == Permission.DENIED  # searchableBy names only the author by default
    assert signals.noarchive
    assert signals.copyright and "Ana" in signals.copyright
    assert signals.data_mining.endswith("DMI-PROHIBITED-AIMLTRAINING")  # from the image attachment
    vocabularies = {s.vocabulary for s in signals.sources}
    assert {"tdmrep", "aipref", "x-robots-tag", "iptc", "fep-268d", "mastodon"} <= vocabularies

    expanded_note, expanded_actor = expand(note)[0], expand(actor)[0]
    again = parse_object(expanded_note, expanded_actor)
    assert again.licence_url == url
    assert again.ai_training == Permission.DENIED and again.tdm_reserved is True
    assert again.search == Permission.DENIED and again.noarchive
