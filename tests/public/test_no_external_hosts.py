"""No page makes the browser fetch anything from another host: no CDN, tiles or web fonts."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from listening.programmes.models import Role
from tests.factories import (
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db

FETCHING_LINKS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}


class ResourceCollector(HTMLParser):
    """Every URL the browser would fetch by itself while rendering the page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed", "track"}:
            self.urls += [v for k, v in attrs if k in {"src", "poster"} and v]
            if values.get("srcset"):
                self.urls += [part.split()[0] for part in values["srcset"].split(",")]
        if tag == "link" and FETCHING_LINKS & set((values.get("rel") or "").split()):
            self.urls.append(values.get("href") or "")
        if tag in {"image", "use"}:
            self.urls += [v for k, v in attrs if k in {"href", "xlink:href"} and v]
        if tag == "object" and values.get("data"):
            self.urls.append(values["data"])
        if "url(" in (values.get("style") or ""):
            self.urls.append(values["style"] or "")


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


@pytest.fixture
def pages():
    session = ListeningSessionFactory(recording_url="https://video.example.org/x")
    voice = VoiceFactory(session=session)
    ParticipationFactory(session=session)
    ParticipationFactory(
        session=session,
        person=None,
        organisation=OrganisationFactory(website="https://partner.example.org/"),
        role=Role.PARTNER,
    )
    paths = [
        "/",
        "/sessions/",
        f"/sessions/{session.slug}/",
        "/voices/",
        f"/voices/{voice.pk}/",
        "/cities/",
        "/people/",
        "/organisations/",
        "/no-such-page/",
    ]
    return [prefix + path for prefix in ("", "/fr", "/es") for path in paths]


def test_every_page_loads_resources_from_its_own_host_only(client, pages):
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        collector = ResourceCollector()
        collector.feed(response.content.decode())
        assert collector.urls, f"{path}: no stylesheet or script found"
        foreign = [url for url in collector.urls if not _is_local(url)]
        assert not foreign, f"{path} loads {foreign}"


def test_stylesheet_loads_nothing_from_another_host():
    css = Path(finders.find("public/site.css")).read_text()
    assert "@import" not in css
    assert "url(" not in css
    assert "@font-face" not in css
