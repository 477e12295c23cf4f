# The production web process: gunicorn serving the archive, static files by whitenoise.
# Point DATABASE_URL at PostgreSQL 15+ (and REDIS_URL at Redis) when running it.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 archive \
    && mkdir -p /srv/releases && chown archive /srv/releases

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Settings need a database address to load; nothing connects during the build.
RUN DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput -v 0 \
    && if [ -d locale ]; then DATABASE_URL=postgres://build@localhost/build python manage.py compilemessages -v 0; fi

USER archive
# gunicorn's workers count the Prometheus metrics together in this folder, emptied at
# each start (petitions_site/observe.py).
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
RUN mkdir -p /tmp/metrics
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

# Threaded workers keep answering the arbiter's heartbeat while a thread streams a long
# export, so --timeout cuts off only a worker that hangs, not a big download.
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec gunicorn petitions_site.wsgi --bind 0.0.0.0:8000 --workers 3 --threads 4 --timeout 30"]
