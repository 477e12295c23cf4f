"""The clerks' admin site: a second factor (TOTP) for every staff account that has one."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin


class LoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The password, then a one-time code from the authenticator app for accounts that
    have set one up; accounts without a device log in with the password alone."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        required=False,
        label=_("One-time code"),
        help_text=_("From your authenticator app, if your account has one."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return cleaned


class ArchiveAdminSite(admin.AdminSite):
    site_header = _("Petition archive")
    site_title = _("Petition archive")
    index_title = _("Clerks' desk")
    login_form = LoginForm

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        # A session that skipped the second factor is not enough for an account with one.
        return user.is_verified() or not any(devices_for_user(user))
