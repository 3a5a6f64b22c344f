"""The admin site: sign-in with a lockout after failed attempts (django-axes, configured in
settings) and, for staff who have set up an authenticator app, a TOTP code (django-otp)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


class AdminLoginForm(AdminAuthenticationForm, OTPAuthenticationFormMixin):  # type: ignore[misc, unused-ignore]
    """The admin's sign-in form; a code is required only from a user with a TOTP device."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        required=False,
        label=_("Authenticator code"),
        help_text=_("Only if you have set up an authenticator app for this account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def _chosen_device(self, user: Any) -> Any:
        """The device named in the form, else the user's authenticator app: staff type the
        code only, with no device to choose."""
        device = super()._chosen_device(user)
        if device is None:
            device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        return device

    def clean(self) -> dict[str, Any]:
        self.cleaned_data = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data


class ListeningAdminSite(AdminSite):
    login_form = AdminLoginForm
    login_template = "admin/login_otp.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff with a TOTP device must have given a code in this session (OTPMiddleware)."""
        if not super().has_permission(request):
            return False
        user = request.user
        verified = getattr(user, "is_verified", None)
        return not user_has_device(user) or (verified is not None and bool(verified()))
