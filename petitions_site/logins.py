"""How failed logins are answered, besides django-axes locking an account for the one
address that failed it (AXES_LOCKOUT_PARAMETERS).

An account that fails from many addresses, or an address that fails for many accounts,
is throttled, not locked: past a number of failures in an hour, each further attempt
must wait twice as long as the last (1, 2, 4 ... seconds, at most LONGEST_WAIT), and an
attempt made sooner is answered 429 with Retry-After without checking any password. So
no one can lock a clerk out by failing on purpose, guessing slows to a dozen tries an
hour, and a correct login of one account never clears another's failures. The counts
are shared by every web process (limits/counters.py)."""

import hashlib
import logging

from django.conf import settings
from django.db import DatabaseError
from django.template.response import TemplateResponse

from limits import counters
from petitions_site.ratelimit import address_key

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 3600
LONGEST_WAIT = 300


def _keys(request, username):
    account = hashlib.sha256(username.encode()).hexdigest()[:32]
    return [
        (f"login:account:{account}", settings.LOGIN_THROTTLE_ACCOUNT),
        (f"login:address:{address_key(request)}", settings.LOGIN_THROTTLE_ADDRESS),
    ]


def login_wait(request, username):
    """Seconds before the next attempt at `username` from this client may be checked.
    With the counters' store down, none: django-axes still locks account and address."""
    try:
        return max(counters.held_for(f"{key}:wait") for key, _free in _keys(request, username))
    except (DatabaseError, counters.StoreError):
        logger.exception("login throttle not read")
        return 0


def login_failed(request, username):
    try:
        for key, free in _keys(request, username):
            count, _left = counters.hit(key, WINDOW_SECONDS)
            if free and count > free:
                counters.hold(f"{key}:wait", min(2 ** (count - free - 1), LONGEST_WAIT))
    except (DatabaseError, counters.StoreError):
        logger.exception("failed login not counted")


def login_succeeded(request, username):
    """The account's own failures are forgotten; the address's are not, or a login of
    one account would clear the way to guess another's password."""
    key, _free = _keys(request, username)[0]
    try:
        counters.forget(key, f"{key}:wait")
    except (DatabaseError, counters.StoreError):
        logger.exception("login throttle not cleared")


def too_soon(request, context, wait):
    response = TemplateResponse(
        request, "admin/login_throttled.html", context | {"wait": wait}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
