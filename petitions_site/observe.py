"""What an operator watches: a JSON log line for every request with its time, and
Prometheus metrics at /metrics for the addresses of METRICS_ALLOWED_ADDRESSES.

A request's line (logger `petitions.requests`) names its method, path (never the query
string, which holds what people search for), status, view, the database it read (primary
or replica) and its time in milliseconds, up to the start of the answer: a streamed
export goes on after that. The same figures feed the metrics: requests counted by view,
status and database, and their time as a histogram by view; and each read replica's
health and lag as its process last checked them (petitions_site/replicas.py)."""

import datetime
import ipaddress
import json
import logging
import os
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from petitions_site.ratelimit import client_address

logger = logging.getLogger("petitions.requests")

REQUESTS = Counter(
    "petitions_requests",
    "Requests answered, by view, status class and the database read.",
    ["view", "status", "database"],
)
REQUEST_SECONDS = Histogram(
    "petitions_request_seconds",
    "Time to the start of the answer, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)
# Set at each check of the replicas; with several workers, the latest check's value.
REPLICA_HEALTHY = Gauge(
    "petitions_replica_healthy",
    "1 when the replica answered and was within the lag bound at the last check, else 0.",
    ["database"],
    multiprocess_mode="mostrecent",
)
REPLICA_LAG_SECONDS = Gauge(
    "petitions_replica_lag_seconds",
    "Seconds the replica was behind the primary at the last check; -1 when it did not answer.",
    ["database"],
    multiprocess_mode="mostrecent",
)

# The attributes every LogRecord has: the rest were given as `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, what `extra` gave, and the
    traceback of an exception."""

    def format(self, record):
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line |= {key: value for key, value in vars(record).items() if key not in _STANDARD}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _view_name(request):
    match = getattr(request, "resolver_match", None)
    # A fixed set of names: a path would give the metrics one series per petition.
    return match.view_name if match else "unmatched"


def request_log(get_response):
    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        seconds = time.perf_counter() - started
        view = _view_name(request)
        database = getattr(request, "read_database", DEFAULT_DB_ALIAS)
        database = "primary" if database == DEFAULT_DB_ALIAS else "replica"
        REQUESTS.labels(view, f"{response.status_code // 100}xx", database).inc()
        REQUEST_SECONDS.labels(view).observe(seconds)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "view": view,
                "database": database,
                "duration_ms": round(seconds * 1000, 2),
            },
        )
        return response

    return middleware


def allowed_address(address):
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_ADDRESSES:
        try:
            if client in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def metrics(request):
    """The metrics in Prometheus' text format; 404 to an address not allowed."""
    if not allowed_address(client_address(request)):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
