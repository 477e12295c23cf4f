import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from pytest_django.plugin import blocking_manager_key

from tests.factories import clerk_group_as_migrated, reference_as_migrated


@pytest.fixture(autouse=True, scope="session")
def _static_files_without_a_manifest():
    """Production serves hashed names from collectstatic's manifest; tests use the
    plain names so they need no collectstatic run."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture(autouse=True, scope="session")
def _figures_computed_in_the_request():
    """A thread computing figures in the background has a connection of its own, which
    does not see a test's uncommitted rows: tests compute them in the request (the
    background refresh has its own test, with committed rows)."""
    settings.REFRESH_FIGURES_IN_BACKGROUND = False
    # Nor an uploaded file's dry run and write (the thread has its own test).
    settings.IMPORT_UPLOADS_IN_BACKGROUND = False


@pytest.fixture(autouse=True, scope="session")
def _site_url_of_the_test_client():
    """Absolute links name SITE_URL (petitions_site/middleware.py): the test client's."""
    settings.SITE_URL = "http://testserver"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table; the content types and
    permissions come back (post_migrate) but not the Clerk group and the reference data
    their migrations made, which later tests on the same database expect. Made again
    once the test's own teardown, and so the flush, is done.

    Not where a worker's last test has also ended the test database (--create-db): the
    settings then name the project's own database, which is left alone."""
    test_database = connections["default"].settings_dict["NAME"]
    result = yield
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if connections["default"].settings_dict["NAME"] == test_database and (
        {"transactional_db", "live_server"} & fixtures
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        with item.config.stash[blocking_manager_key].unblock():
            # A connection the server ended while idle is replaced, not used.
            for connection in connections.all(initialized_only=True):
                connection.close_if_unusable_or_obsolete()
            clerk_group_as_migrated()
            reference_as_migrated()
    return result


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached by another."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language, as a command or a request does: a
    French page requested by another test leaves French active in the thread."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def one_period(monkeypatch):
    """Kept values live for a period (petitions/cache.py): a test counting the queries
    of two requests must not see a new period begin between them."""
    from petitions import cache

    period = cache.current_period()
    monkeypatch.setattr(cache, "current_period", lambda: period)


@pytest.fixture
def own_tmp_path():
    """A temporary folder outside pytest's own, for an embedded PostgreSQL: it runs as
    another user, which needs to reach the folder, and pytest closes its base folder to
    everyone but the owner at each worker's start."""
    path = Path(tempfile.mkdtemp(prefix="petitions-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def sample_petitions(db):
    """The real House records of fixtures/ (the reference data is the migration's)."""
    call_command("loaddata", "sample_petitions", verbosity=0)


@pytest.fixture
def clerk(db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("clerk", password="clerk-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Clerk"))
    return user


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client
