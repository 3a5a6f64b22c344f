"""The Content-Security-Policy holds on every page: chromium reports no violation.

Violations are caught twice: a ``securitypolicyviolation`` listener installed before any page
script runs (Playwright's init scripts are not subject to the page's policy), and chromium's
console errors ("Refused to ...").
"""

import pytest
from django.contrib.auth.models import User

from listening.conversations import services
from listening.programmes.models import Role
from tests.factories import (
    CityFactory,
    ConversationFactory,
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    StatementFactory,
    ThemeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || ""}:${e.lineNumber}`);
});
"""
PASSWORD = "a long and correct password"


@pytest.fixture
def site_data(settings):
    settings.OPINION_JOBS = "sync"
    theme = ThemeFactory(name="Public space")
    session = ListeningSessionFactory(
        programme=theme.programme, title="Shade and water", slug="shade", themes=[theme]
    )
    city = CityFactory(name="Lyon", country="FR", latitude=45.76, longitude=4.84)
    speaker = PersonFactory(name="Dr Amara Diop", city=city)
    ParticipationFactory(session=session, person=speaker, role=Role.SPEAKER)
    ParticipationFactory(
        session=session, person=None, organisation=OrganisationFactory(), role=Role.PARTNER
    )
    voice = VoiceFactory(session=session, speaker=speaker, text="Trees give shade.")
    conversation = ConversationFactory(slug="healthy-cities")
    statements = [
        StatementFactory(conversation=conversation, text=f"Statement number {i}.") for i in range(4)
    ]
    for i in range(8):
        participant, _token = services.participant_create(conversation=conversation)
        for j, statement in enumerate(statements):
            value = 1 if (i + j) % 2 else -1
            services.vote_cast(participant=participant, statement_id=statement.pk, value=value)
    return {"session": session, "voice": voice, "conversation": conversation}


def _violations(page, path: str) -> list[str]:
    """Open ``path`` and return every CSP violation reported while it loaded."""
    console: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", on_console)
    response = page.goto(path, wait_until="networkidle")
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    assert "default-src 'self'" in response.headers.get("content-security-policy", ""), path
    page.wait_for_timeout(100)  # events raised by the last scripts to run
    found = page.evaluate("window.__cspViolations") + console
    page.remove_listener("console", on_console)
    return [f"{path}: {v}" for v in found]


def test_public_pages_report_no_csp_violation(page, site_data):
    page.add_init_script(LISTEN)
    voice, conversation = site_data["voice"], site_data["conversation"]
    paths = [
        "/",
        "/sessions/",
        f"/sessions/{site_data['session'].slug}/",
        "/voices/",
        "/voices/?q=shade",
        f"/voices/{voice.pk}/",
        "/cities/",
        "/people/",
        "/organisations/",
        "/conversations/",
        f"/conversations/{conversation.slug}/",
        f"/conversations/{conversation.slug}/results/",
        "/fr/",
        "/es/voices/",
        "/api/docs",
        "/admin/login/",
    ]
    violations = [v for path in paths for v in _violations(page, path)]
    assert not violations, "\n".join(violations)


def test_voting_with_htmx_reports_no_csp_violation(page, site_data):
    page.add_init_script(LISTEN)
    assert not _violations(page, "/conversations/healthy-cities/")
    card = page.locator("#vote-card")
    first = card.locator(".statement").inner_text()
    card.get_by_role("button", name="Agree", exact=True).click()
    # The vote's answer (and the map computed with it) is in once the card shows another
    # statement: nothing is left running on the server when the test database is emptied.
    page.wait_for_function(
        "text => document.querySelector('#vote-card .statement')?.innerText !== text", arg=first
    )
    page.wait_for_load_state("networkidle")
    assert not page.evaluate("window.__cspViolations")


def test_admin_and_moderation_report_no_csp_violation(page, site_data):
    User.objects.create_superuser("organiser", "organiser@example.org", PASSWORD)
    page.add_init_script(LISTEN)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    voice, conversation = site_data["voice"], site_data["conversation"]
    paths = [
        "/admin/",
        "/admin/voices/voice/",
        f"/admin/voices/voice/{voice.pk}/change/",
        "/admin/voices/voice/add/",
        "/admin/conversations/conversation/",
        f"/admin/conversations/conversation/{conversation.pk}/change/",
        "/admin/otp_totp/totpdevice/add/",
        "/admin/axes/accessattempt/",
        f"/conversations/{conversation.slug}/moderate/",
        f"/conversations/{conversation.slug}/moderate/log/",
    ]
    violations = [v for path in paths for v in _violations(page, path)]
    assert not violations, "\n".join(violations)
