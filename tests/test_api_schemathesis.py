"""Schemathesis reads /api/schema/ and sends what the schema allows, and some of what it
does not, to every API operation: zero server errors and every answer as documented."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Django's WSGI application, not wsgi.py's: that one refuses the tests' development key.
application = get_wsgi_application()


@pytest.fixture
def api_schema(db, settings):
    settings.RATE_LIMITS = {}
    call_command("loaddata", "sample_petitions", verbosity=0)
    # Called straight through WSGI, each request would close the test's connection (and
    # its transaction) at the end; Django's test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        def keeps_to_the_schema(case):
            # A filter's values (slugs, codes) live in the database, not in the schema,
            # so a schema-valid but unknown value is rightly refused with a 400.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        keeps_to_the_schema()
