"""Registering for a listening session: places, the waiting list, the confirmation email with
the session in iCalendar (and, for confirmed registrants, the private join link), cancelling
from the email's link, and attendance."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from listening.conversations.tokens import token_new
from listening.live.models import Registration, RegistrationDesk, RegistrationStatus
from listening.people.models import PersonKind
from listening.places.models import City
from listening.programmes.models import ListeningSession


class RegistrationError(Exception):
    """A registration the desk cannot take; the message names the field when there is one."""

    def __init__(self, message: str, *, field: str | None = None, status_code: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def desk_set(
    *,
    session: ListeningSession,
    capacity: int | None = None,
    is_open: bool = True,
) -> RegistrationDesk:
    """Open (or change) registration for a session."""
    desk = RegistrationDesk.objects.filter(session=session).first() or RegistrationDesk(
        session=session
    )
    desk.capacity, desk.is_open = capacity, is_open
    desk.full_clean()
    desk.save()
    if capacity is not None:
        _promote(session)
    return desk


def _calendar(session: ListeningSession, page_url: str, join_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Listening//Session registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"listening-session-{session.pk}-{session.slug}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title)
    event.add("url", page_url)
    if join_url:
        event.add("location", join_url)
        event.add("description", _("Join online: %(url)s") % {"url": join_url})
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _send(registration: Registration, token: str, site_url: str, language: str) -> None:
    """The confirmation (or waiting-list) email, in the registrant's language."""
    session = registration.session
    with translation.override(language):
        page_url = site_url + reverse("public:session", args=[session.slug])
        cancel_url = site_url + reverse("live:registration_cancel", args=[token])
        confirmed = registration.status == RegistrationStatus.CONFIRMED
        join_url = session.online_url if confirmed else ""
        context = {
            "registration": registration,
            "session": session,
            "page_url": page_url,
            "cancel_url": cancel_url,
            "join_url": join_url,
            "confirmed": confirmed,
        }
        subject = (
            _("You are registered: %(title)s")
            if confirmed
            else _("You are on the waiting list: %(title)s")
        ) % {"title": session.title}
        body = render_to_string("live/email/registration.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.email])
    if confirmed:
        message.attach(
            f"{session.slug}.ics", _calendar(session, page_url, join_url), "text/calendar"
        )
    message.send(fail_silently=False)


def _send_on_commit(registration: Registration, token: str, site_url: str, language: str) -> None:
    transaction.on_commit(lambda: _send(registration, token, site_url, language))


def _promote(session: ListeningSession, *, site_url: str = "", language: str = "en") -> None:
    """Move people from the waiting list into free places, first come first served."""
    desk = RegistrationDesk.objects.select_for_update().filter(session=session).first()
    if desk is None or desk.capacity is None:
        free = None
    else:
        taken = Registration.objects.filter(
            session=session, status=RegistrationStatus.CONFIRMED
        ).count()
        free = max(0, desk.capacity - taken)
    waiting = Registration.objects.filter(
        session=session, status=RegistrationStatus.WAITLISTED
    ).order_by("created_at", "id")
    for registration in waiting if free is None else waiting[:free]:
        token = token_new()
        registration.status = RegistrationStatus.CONFIRMED
        registration.cancel_token_hash = _token_hash(token)
        registration.save(update_fields=["status", "cancel_token_hash"])
        _send_on_commit(registration, token, site_url or settings.SITE_URL, language)


@transaction.atomic
def registration_create(
    *,
    session: ListeningSession,
    name: str,
    email: str,
    city: City | None = None,
    kind: str = "",
    consent_listed: bool = False,
    consent_contact: bool = False,
    site_url: str = "",
    language: str = "en",
) -> Registration:
    """Register someone: a confirmed place while there are places, the waiting list after.

    The email carries a link to cancel; the places are counted under a lock on the session's
    desk, so two people registering at once never both take the last place."""
    desk = RegistrationDesk.objects.select_for_update().filter(session=session).first()
    if desk is None or not desk.is_open:
        raise RegistrationError(_("Registration for this session is not open."), status_code=409)
    if session.ends_at <= timezone.now():
        raise RegistrationError(_("This session has ended."), status_code=409)
    name = " ".join((name or "").split())
    if not name:
        raise RegistrationError(_("Please give your name."), field="name")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise RegistrationError(_("Please give a valid email address."), field="email") from None
    if kind and kind not in PersonKind.values:
        raise RegistrationError(_("Choose a kind of stakeholder from the list."), field="kind")
    taken = Registration.objects.filter(
        session=session, status=RegistrationStatus.CONFIRMED
    ).count()
    full = desk.capacity is not None and taken >= desk.capacity
    token = token_new()
    registration = Registration(
        session=session,
        name=name[:200],
        email=email,
        city=city,
        kind=kind,
        consent_listed=consent_listed,
        consent_contact=consent_contact,
        status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED,
        cancel_token_hash=_token_hash(token),
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise RegistrationError(
            _("This email address is already registered for this session."), field="email"
        ) from None
    _send_on_commit(registration, token, site_url or settings.SITE_URL, language)
    return registration


@transaction.atomic
def registration_cancel(*, token: str, site_url: str = "", language: str = "en") -> Registration:
    """Cancel from the email's link; the first person waiting takes the free place."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("session")
        .filter(cancel_token_hash=_token_hash(token or ""))
        .first()
    )
    if registration is None:
        raise RegistrationError(
            _("This cancellation link is not valid, or has already been used."), status_code=404
        )
    if registration.status != RegistrationStatus.CANCELLED:
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        _promote(registration.session, site_url=site_url, language=language)
    return registration


@transaction.atomic
def registrations_set_attended(*, registrations: Iterable[Registration], attended: bool) -> int:
    ids = [r.pk for r in registrations]
    return (
        Registration.objects.filter(pk__in=ids)
        .exclude(status=RegistrationStatus.CANCELLED)
        .update(attended=attended)
    )
