"""What protects the archive: response headers, deploy settings and rate limits on the
API and exports (logins: test_login.py; limits: test_rate_limits.py)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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


def wsgi_start(**environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"} | environment
    return subprocess.run(
        [sys.executable, "-c", "import petitions_site.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_production_entry_point_refuses_to_start_without_a_secret_key():
    result = wsgi_start()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_production_entry_point_starts_with_a_secret_key_or_in_debug():
    assert wsgi_start(DJANGO_SECRET_KEY=secrets.token_urlsafe(50)).returncode == 0
    assert wsgi_start(DJANGO_DEBUG="true").returncode == 0
