"""Admin sign-in: a lockout after failed attempts (django-axes) and TOTP for staff who have a
device (django-otp)."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a long and correct password"


@pytest.fixture
def staff():
    return User.objects.create_user("organiser", password=PASSWORD, is_staff=True)


def _sign_in(client, username, password, address="198.51.100.4", otp_token=None, **headers):
    data = {"username": username, "password": password, "next": "/admin/"}
    if otp_token is not None:
        data["otp_token"] = otp_token
    return client.post(LOGIN, data, REMOTE_ADDR=address, **headers)


def _signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_admin_login_forty_wrong_passwords_lock_out_the_right_one(client, staff, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        statuses = [_sign_in(client, "organiser", f"guess {i}").status_code for i in range(40)]
    # Wrong passwords get the form again until the limit, then the lockout page.
    assert statuses[:9] == [200] * 9
    assert set(statuses[10:]) == {429}
    response = _sign_in(client, "organiser", PASSWORD)
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "Try again in 30 minutes." in response.content.decode()
    assert not _signed_in(client)
    assert AccessFailureLog.objects.filter(username="organiser").count() >= 10
    assert any("locking out" in r.getMessage().lower() for r in caplog.records)


def test_admin_login_after_the_cool_off_the_right_password_works(client, staff, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "organiser", f"guess {i}")
    assert _sign_in(client, "organiser", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    )
    assert _sign_in(client, "organiser", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_admin_login_success_resets_the_count(client, staff, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit - 1):
        _sign_in(client, "organiser", f"guess {i}")
    assert _sign_in(client, "organiser", PASSWORD).status_code == 302
    client.logout()
    for i in range(limit - 1):
        assert _sign_in(client, "organiser", f"again {i}").status_code == 200
    assert _sign_in(client, "organiser", PASSWORD).status_code == 302


def test_admin_login_lockout_is_per_address_and_account(client, staff, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "organiser", f"guess {i}", address="203.0.113.50")
    assert _sign_in(client, "organiser", PASSWORD, address="203.0.113.50").status_code == 429
    # The same organiser from their own address still signs in.
    assert _sign_in(client, "organiser", PASSWORD).status_code == 302


def test_admin_login_without_device_needs_no_code(client, staff):
    assert _sign_in(client, "organiser", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_admin_login_with_totp_device_requires_the_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = _sign_in(client, "organiser", PASSWORD)
    assert response.status_code == 200
    assert not _signed_in(client)
    assert _sign_in(client, "organiser", PASSWORD, otp_token=_code(device)).status_code == 302
    assert _signed_in(client)


def test_admin_login_with_totp_device_wrong_code_is_refused(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    wrong = f"{(int(_code(device)) + 1) % 10**device.digits:06d}"
    response = _sign_in(client, "organiser", PASSWORD, otp_token=wrong)
    assert response.status_code == 200
    assert "otp_token" in response.content.decode()
    assert not _signed_in(client)


def test_admin_with_totp_device_signed_in_without_code_is_refused(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_admin_totp_device_qr_code_is_drawn(admin_client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=False)
    response = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
