"""A clerk adds an authenticator and logs in with its code, in a real browser: the page
asks for the code after the password (it never asked before, so such an account could
not log in at all)."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def clerk_account(archive, django_user_model):
    return django_user_model.objects.create_user(
        "clerk", password="a-long-clerk-password", is_staff=True
    )


def current_code(key_text):
    return f"{TOTP(base64.b32decode(key_text)).token():06d}"


def log_in_with_password(page):
    page.goto("/admin/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill("a-long-clerk-password")
    page.get_by_role("button", name="Log in").click()


def test_a_clerk_adds_an_authenticator_then_logs_in_with_its_code(page, clerk_account):
    log_in_with_password(page)
    expect(page.get_by_role("heading", name="Clerks' desk")).to_be_visible()

    page.get_by_role("link", name="Authenticator").click()
    key = page.locator("#authenticator-key").inner_text()
    page.get_by_label("One-time code").fill(current_code(key))
    page.get_by_role("button", name="Add the authenticator").click()
    expect(page.get_by_text("The authenticator was added.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in_with_password(page)
    expect(page.get_by_text("Password accepted for clerk.")).to_be_visible()
    page.get_by_label("One-time code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errornote")).to_contain_text("not the one your authenticator shows")

    # As if the app had moved to its next code: a code is accepted once, and a wrong
    # one makes the next try wait a second.
    device = TOTPDevice.objects.get(user=clerk_account)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.last_t = -1
    device.save()
    page.get_by_label("One-time code").fill(current_code(key))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Clerks' desk")).to_be_visible()
