"""The clerks' admin site: a password, then a one-time code (TOTP) for every staff account
that has an authenticator; failed logins throttled as petitions_site/logins.py says."""

import base64
import time

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from petitions_site.logins import login_failed, login_succeeded, login_wait, too_soon

# The session remembers an account whose password was right while its code is awaited.
PENDING = "login-awaiting-code"
PENDING_SECONDS = 300


class CodeForm(forms.Form):
    """A code from one of `devices` (the user's confirmed authenticators by default)."""

    otp_token = forms.CharField(
        label=_("One-time code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, user, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.devices = devices
        self.device = None

    def clean_otp_token(self):
        token = "".join(self.cleaned_data["otp_token"].split())
        # Each device counts its own failures and makes the next try wait (django-otp),
        # and refuses a code it has accepted before.
        with transaction.atomic():
            devices = self.devices or devices_for_user(self.user, for_verify=True)
            for device in devices:
                if device.verify_token(token):
                    self.device = device
                    return token
        raise forms.ValidationError(
            _("That code is not the one your authenticator shows now, or was used already.")
        )


class PasswordStep(LoginView):
    """The first step. Accounts without an authenticator are logged in; the others go
    on to the code, their password kept as checked in the session for five minutes."""

    def post(self, request, *args, **kwargs):
        if wait := login_wait(request, request.POST.get("username", "")):
            return too_soon(request, self.extra_context, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if not user_has_device(user):
            login_succeeded(self.request, user.get_username())
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
        }
        code_url = reverse("admin:login_code", current_app=self.request.current_app)
        return HttpResponseRedirect(f"{code_url}?{urlencode({'next': self.get_success_url()})}")

    def form_invalid(self, form):
        # A login django-axes refused (this account from this address) was not checked.
        if not getattr(self.request, "axes_locked_out", False):
            login_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)


class ArchiveAdminSite(admin.AdminSite):
    site_header = _("Petition archive")
    site_title = _("Petition archive")
    index_title = _("Clerks' desk")

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        # A session that skipped the second factor is not enough for an account with one.
        return user.is_verified() or not any(devices_for_user(user))

    def get_urls(self):
        return [
            path("login/code/", self.login_code, name="login_code"),
            path("authenticator/", self.admin_view(self.authenticator), name="authenticator"),
            *super().get_urls(),
        ]

    def _next(self, request):
        target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:index", current_app=self.name)

    def _login_context(self, request):
        return {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            REDIRECT_FIELD_NAME: self._next(request),
        }

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(self._next(request))
        request.current_app = self.name
        return PasswordStep.as_view(
            extra_context=self._login_context(request) | (extra_context or {}),
            authentication_form=AdminAuthenticationForm,
            template_name="admin/login.html",
        )(request)

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    @method_decorator(sensitive_post_parameters("otp_token"))
    def login_code(self, request):
        """The second step: the code from the authenticator of the account whose
        password was just accepted."""
        pending = request.session.get(PENDING) or {}
        user = None
        if time.time() - pending.get("at", 0) < PENDING_SECONDS:
            user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        if user is None:
            login_url = reverse("admin:login", current_app=self.name)
            return HttpResponseRedirect(f"{login_url}?{urlencode({'next': self._next(request)})}")
        context = self._login_context(request) | {"pending_username": user.get_username()}
        if request.method == "POST":
            if wait := login_wait(request, user.get_username()):
                return too_soon(request, context, wait)
            form = CodeForm(request.POST, user=user)
            if form.is_valid():
                del request.session[PENDING]
                user.backend = pending["backend"]
                user.otp_device = form.device  # django-otp marks the session verified
                auth_login(request, user)
                login_succeeded(request, user.get_username())
                return HttpResponseRedirect(self._next(request))
            login_failed(request, user.get_username())
        else:
            form = CodeForm(user=user)
        return TemplateResponse(request, "admin/login_code.html", context | {"form": form})

    @method_decorator(sensitive_post_parameters("otp_token"))
    def authenticator(self, request):
        """Staff add an authenticator to their own account: a new key, confirmed by the
        first code the app shows for it."""
        devices = list(devices_for_user(request.user))
        pending = TOTPDevice.objects.filter(
            user=request.user, confirmed=False
        ).first() or TOTPDevice.objects.create(
            user=request.user, confirmed=False, name="authenticator"
        )
        form = CodeForm(request.POST or None, user=request.user, devices=[pending])
        if request.method == "POST" and form.is_valid():
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            otp_login(request, pending)
            messages.success(request, _("The authenticator was added."))
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Authenticator"),
            "devices": devices,
            "form": form,
            "key": base64.b32encode(pending.bin_key).decode(),
            "config_url": pending.config_url,
        }
        return TemplateResponse(request, "admin/authenticator.html", context)
