"""The public home page leads a citizen to every public entry point declared through the portal hook."""

import pytest
from django.urls import reverse

from zhenwu.core.parts import portal_entries


@pytest.mark.django_db
def test_home_page_links_every_portal_entry(client):
    entries = portal_entries()
    names = {e.url_name for e in entries}
    assert {"workorders:h5_submit", "workorders:h5_track", "hotline:public_archive"} <= names
    html = client.get("/").content.decode()
    for entry in entries:
        assert f'href="{reverse(entry.url_name)}"' in html
        assert entry.title in html
