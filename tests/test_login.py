"""The clerks' login against someone who tries to get around it: an account is locked
for the address that failed it, throttled (never locked) when the failures come from
many addresses, and an address is throttled when it fails for many accounts. Accounts
with an authenticator log in in two steps."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from limits.models import Counter

LOGIN = "/admin/login/?next=/admin/"
CODE = "/admin/login/code/"
PASSWORD = "correct horse battery"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_user(
        "mlantsman", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def other_clerk(django_user_model):
    return django_user_model.objects.create_user("gdube", password="other clerk pw", is_staff=True)


@pytest.fixture(autouse=True)
def _quick_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attempt(client, username, password, address="198.51.100.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def time_passes():
    """Every throttle's wait runs out (the failure counts stay)."""
    Counter.objects.filter(key__endswith=":wait").delete()


def test_an_account_is_locked_for_the_address_that_failed_five_times(client, superuser):
    for _ in range(4):
        assert attempt(client, "mlantsman", "wrong").status_code == 200
    assert attempt(client, "mlantsman", "wrong").status_code == 429
    response = attempt(client, "mlantsman", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts to log in" in response.content.decode()


def test_a_login_of_another_account_does_not_clear_the_failures(client, superuser, other_clerk):
    # Before: 4 guesses, one correct login of another account, 4 guesses... unbounded.
    for _ in range(4):
        assert attempt(client, "mlantsman", "wrong").status_code == 200
    assert attempt(client, "gdube", "other clerk pw").status_code == 302
    client.post("/admin/logout/")
    response = attempt(client, "mlantsman", "wrong")
    assert response.status_code == 429
    assert attempt(client, "mlantsman", PASSWORD).status_code == 429


def test_a_login_clears_its_own_failures(client, superuser):
    for _ in range(4):
        attempt(client, "mlantsman", "wrong")
    assert attempt(client, "mlantsman", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _ in range(4):
        assert attempt(client, "mlantsman", "wrong", address="198.51.100.1").status_code == 200


def test_five_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(client, superuser):
    for _ in range(6):
        attempt(client, "mlantsman", "wrong", address="203.0.113.66")
    assert attempt(client, "mlantsman", PASSWORD, address="198.51.100.1").status_code == 302


def test_an_account_failing_from_many_addresses_is_throttled_ever_longer(client, superuser):
    for n in range(5):
        assert attempt(client, "mlantsman", "wrong", address=f"203.0.113.{n}").status_code == 200
    waits = []
    for n in range(5, 10):
        assert attempt(client, "mlantsman", "wrong", address=f"203.0.113.{n}").status_code == 200
        response = attempt(client, "mlantsman", PASSWORD, address=f"192.0.2.{n}")
        assert response.status_code == 429
        waits.append(int(response["Retry-After"]))
        time_passes()
    assert waits == [1, 2, 4, 8, 16]
    # The wait over, the owner's password is checked again, from any address.
    assert attempt(client, "mlantsman", PASSWORD, address="192.0.2.200").status_code == 302


def test_the_longest_wait_is_five_minutes(client, superuser):
    for n in range(30):
        attempt(client, "mlantsman", "wrong", address=f"203.0.113.{n}")
        time_passes()
    attempt(client, "mlantsman", "wrong", address="203.0.113.200")
    response = attempt(client, "mlantsman", PASSWORD, address="192.0.2.1")
    assert response.status_code == 429
    assert 290 <= int(response["Retry-After"]) <= 300


def test_clerks_behind_one_address_are_not_stopped_by_a_few_failures(client, superuser):
    for n in range(19):
        attempt(client, f"guess{n}", "wrong")
    assert attempt(client, "mlantsman", PASSWORD).status_code == 302


def test_an_address_failing_for_many_accounts_is_throttled(client, superuser, other_clerk):
    for n in range(21):
        attempt(client, f"guess{n}", "wrong")
    response = attempt(client, "mlantsman", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 1
    # A correct login elsewhere does not clear the address's failures.
    assert attempt(client, "gdube", "other clerk pw", address="192.0.2.9").status_code == 302
    assert attempt(client, "mlantsman", PASSWORD).status_code == 429


def test_staff_without_a_device_log_in_with_their_password(client, superuser):
    assert attempt(client, "mlantsman", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_staff_with_an_authenticator_log_in_in_two_steps(client, superuser):
    device = TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    response = attempt(client, "mlantsman", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=%2Fadmin%2F"
    assert client.get("/admin/").status_code == 302  # not logged in yet

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="otp_token"' in page.content.decode()
    assert client.post(CODE, {"otp_token": "000000", "next": "/admin/"}).status_code == 200
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    response = client.post(CODE, {"otp_token": code_for(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_is_accepted_once(client, superuser):
    device = TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    attempt(client, "mlantsman", PASSWORD)
    code = code_for(device)
    assert client.post(CODE, {"otp_token": code}).status_code == 302
    client.post("/admin/logout/")
    attempt(client, "mlantsman", PASSWORD)
    assert client.post(CODE, {"otp_token": code}).status_code == 200


def test_the_code_step_needs_the_password_step_first(client, superuser):
    device = TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    response = client.post(CODE, {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302


def test_the_code_step_does_not_redirect_elsewhere(client, superuser):
    device = TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    attempt(client, "mlantsman", PASSWORD)
    response = client.post(CODE, {"otp_token": code_for(device), "next": "//evil.example/"})
    assert response["Location"] == "/admin/"


def test_wrong_codes_count_as_failed_logins(client, superuser):
    TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    attempt(client, "mlantsman", PASSWORD)
    for _ in range(6):
        assert client.post(CODE, {"otp_token": "000000"}).status_code == 200
        time_passes()
    assert client.post(CODE, {"otp_token": "000000"}).status_code == 200
    response = client.post(CODE, {"otp_token": "000000"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 2  # the seventh failure: 2 ** (7 - 5 - 1)


def test_a_session_without_the_second_factor_is_not_enough(client, superuser):
    TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 302


def test_staff_add_their_own_authenticator_confirmed_by_its_first_code(client, other_clerk):
    client.force_login(other_clerk)
    page = client.get("/admin/authenticator/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=other_clerk)
    assert not device.confirmed
    assert page.context["key"] in page.content.decode()
    assert "otpauth://totp/" in page.context["config_url"]

    assert client.post("/admin/authenticator/", {"otp_token": "000000"}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_count = 0
    device.save()

    response = client.post("/admin/authenticator/", {"otp_token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200  # this session counts as verified
    client.post("/admin/logout/")
    assert attempt(client, "gdube", "other clerk pw")["Location"].startswith(CODE)


def test_the_authenticator_page_is_for_logged_in_staff(client, db):
    response = client.get("/admin/authenticator/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.exists()


def test_the_wait_is_told_in_french_on_the_french_admin(client, superuser):
    for n in range(21):
        attempt(client, f"guess{n}", "wrong")
    response = client.post(
        "/fr/admin/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 429
    assert "Réessayez dans 1 seconde." in response.content.decode()


def test_with_redis_unreachable_logins_still_work_and_axes_still_locks(client, superuser, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    for _ in range(4):
        assert attempt(client, "mlantsman", "wrong").status_code == 200
    assert attempt(client, "mlantsman", "wrong").status_code == 429
    assert attempt(client, "mlantsman", PASSWORD, address="192.0.2.3").status_code == 302
