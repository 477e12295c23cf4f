"""What protects the archive: response headers, deploy settings, login lockout, the
second factor, and rate limits on the API and exports."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

ROOT = Path(__file__).resolve().parents[1]
LOGIN = "/admin/login/?next=/admin/"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/petitions/", "/fr/petitions/", "/admin/login/", "/healthz"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_production_settings_pass_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "petitions.example.org",
        "DJANGO_BEHIND_PROXY": "true",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DJANGO_SECURE_COOKIES": "true",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_ADMIN_URL": "desk-4b1c/",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "mlantsman", password="correct horse battery", is_staff=True, is_superuser=True
    )


def test_an_account_is_locked_after_five_failed_logins(client, staff):
    for _ in range(4):
        response = client.post(LOGIN, {"username": "mlantsman", "password": "wrong"})
        assert response.status_code == 200
    assert client.post(LOGIN, {"username": "mlantsman", "password": "wrong"}).status_code == 429
    response = client.post(LOGIN, {"username": "mlantsman", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "Too many failed attempts to log in" in response.content.decode()


def test_an_address_is_locked_after_five_failures_whatever_the_account(client, staff):
    for attempt in range(5):
        client.post(LOGIN, {"username": f"guess{attempt}", "password": "wrong"})
    response = client.post(LOGIN, {"username": "mlantsman", "password": "correct horse battery"})
    assert response.status_code == 429


def test_a_successful_login_clears_earlier_failures(client, staff):
    for _ in range(4):
        client.post(LOGIN, {"username": "mlantsman", "password": "wrong"})
    response = client.post(LOGIN, {"username": "mlantsman", "password": "correct horse battery"})
    assert response.status_code == 302
    client.post("/admin/logout/")
    for _ in range(4):
        client.post(LOGIN, {"username": "mlantsman", "password": "wrong"})
    response = client.post(LOGIN, {"username": "mlantsman", "password": "correct horse battery"})
    assert response.status_code == 302


def test_staff_without_a_device_log_in_with_their_password(client, staff):
    response = client.post(LOGIN, {"username": "mlantsman", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_need_its_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = client.post(LOGIN, {"username": "mlantsman", "password": "correct horse battery"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302

    response = client.post(
        LOGIN, {"username": "mlantsman", "password": "correct horse battery", "otp_token": "000000"}
    )
    assert response.status_code == 200

    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    response = client.post(
        LOGIN,
        {
            "username": "mlantsman",
            "password": "correct horse battery",
            "otp_token": code,
            "otp_device": device.persistent_id,
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_without_the_second_factor_is_not_enough(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_the_api_and_exports_are_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = {"api": 3, "exports": 2}
    for _ in range(3):
        assert client.get("/api/petitions/").status_code != 429
    response = client.get("/api/petitions/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "at most 3 a minute" in response.json()["detail"]

    assert client.get("/api/petitions/", REMOTE_ADDR="10.9.8.7").status_code != 429
    for _ in range(2):
        assert client.get("/petitions/export.csv").status_code != 429
    assert client.get("/fr/petitions/export.csv").status_code == 429
    assert client.get("/petitions/").status_code == 200
