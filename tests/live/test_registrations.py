import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from listening.live import services
from listening.live.models import Registration, RegistrationStatus
from tests.factories import ListeningSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    start = timezone.now() + dt.timedelta(days=10)
    return ListeningSessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))


def _register(session, n, **extra):
    return services.registration_create(
        session=session, name=f"Sample Person {n}", email=f"person{n}@example.org", **extra
    )


def test_registration_confirmed_then_waitlisted_at_capacity(
    session, django_capture_on_commit_callbacks
):
    session.online_url = "https://meet.example.org/abc"
    session.save(update_fields=["online_url"])
    services.desk_set(session=session, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [_register(session, n).status for n in range(3)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    confirmed, waiting = mail.outbox[0], mail.outbox[2]
    assert "https://meet.example.org/abc" in confirmed.body
    assert confirmed.attachments[0][0].endswith(".ics")
    calendar = confirmed.attachments[0][1]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "BEGIN:VEVENT" in calendar
    assert session.title in calendar
    # the join link is for confirmed registrants only
    assert "meet.example.org" not in waiting.body
    assert "waiting list" in waiting.subject


def test_registration_cancel_link_frees_the_place_for_the_first_waiting(
    session, django_capture_on_commit_callbacks
):
    services.desk_set(session=session, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(session, 1)
        second = _register(session, 2)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/cancel/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(token=token)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("cancelled", "confirmed")
    assert mail.outbox[-1].to == ["person2@example.org"]
    assert "You are registered" in mail.outbox[-1].subject
    with pytest.raises(services.RegistrationError):
        services.registration_cancel(token="not-a-token")


def test_registration_twice_with_one_email_is_refused(session):
    services.desk_set(session=session)
    _register(session, 1)
    with pytest.raises(services.RegistrationError) as error:
        _register(session, 1)
    assert error.value.field == "email"
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "email", "field"), [("", "a@example.org", "name"), ("Sample", "not-an-email", "email")]
)
def test_registration_bad_input_names_the_field(session, name, email, field):
    services.desk_set(session=session)
    with pytest.raises(services.RegistrationError) as error:
        services.registration_create(session=session, name=name, email=email)
    assert error.value.field == field
    assert not Registration.objects.exists()


def test_registration_closed_desk_or_past_session_is_refused(session):
    with pytest.raises(services.RegistrationError, match="not open"):
        _register(session, 1)
    past = ListeningSessionFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    services.desk_set(session=past)
    with pytest.raises(services.RegistrationError, match="ended"):
        _register(past, 1)


def test_registration_attendance_is_recorded(session):
    services.desk_set(session=session)
    registration = _register(session, 1)
    count = services.registrations_set_attended(registrations=[registration], attended=True)
    registration.refresh_from_db()
    assert count == 1 and registration.attended


def test_register_page_and_cancel_page(client, session):
    services.desk_set(session=session, capacity=5)
    page = client.get(reverse("public:session", args=[session.slug]))
    assert reverse("live:register", args=[session.slug]) in page.content.decode()
    response = client.post(
        reverse("live:register", args=[session.slug]),
        {"name": "Sample Person", "email": "sample@example.org", "consent_listed": "on"},
    )
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.consent_listed and not registration.consent_contact
    bad = client.post(reverse("live:register", args=[session.slug]), {"name": "X", "email": "x"})
    assert bad.status_code == 422
    # a GET on the cancellation link never cancels
    client.get(reverse("live:registration_cancel", args=["whatever-token-value"]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_attendance_feeds_the_home_page_counter(client, session):
    services.desk_set(session=session)
    present = _register(session, 1)
    _register(session, 2)
    services.registrations_set_attended(registrations=[present], attended=True)
    page = client.get("/")
    html = page.content.decode()
    assert 'data-counter="attended">1<' in html


def test_join_link_is_public_only_without_registration(client, session):
    session.online_url = "https://video.listening-sample.net/private-room"
    session.save(update_fields=["online_url"])
    url = reverse("public:session", args=[session.slug])
    assert "private-room" in client.get(url).content.decode()
    services.desk_set(session=session, capacity=10)
    page = client.get(url).content.decode()
    assert "private-room" not in page
    assert "sent to registered participants" in page
