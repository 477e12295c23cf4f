"""The production entry point (gunicorn loads `application`)."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petitions_site.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by the line above)

# The default key is published with the code: anyone could sign sessions with it.
if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: set it to a long random string, or set "
        "DJANGO_DEBUG=true for a development server."
    )

# Several nodes share their cache, counters and figures through Redis: a node that cannot
# reach it would keep them alone, unseen by the others.
if settings.SEVERAL_WEB_NODES:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise ImproperlyConfigured(
            f"SEVERAL_WEB_NODES is set and Redis (REDIS_URL) does not answer: {error}"
        ) from error
