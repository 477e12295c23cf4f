"""What an operator relies on: a JSON log line per request with its time, Prometheus
metrics for the allowed addresses only, and a site that refuses to start as several web
nodes without the state they must share."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from petitions_site.observe import JsonFormatter

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_each_request_is_logged_with_its_time_and_never_its_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="petitions.requests"):
        client.get("/petitions/?q=secret+words")
    [record] = [r for r in caplog.records if r.name == "petitions.requests"]
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/petitions/"
    assert "secret" not in json.dumps(line)
    assert (line["method"], line["status"], line["view"]) == ("GET", 200, "petitions:petition_list")
    assert line["database"] == "primary"
    assert line["duration_ms"] > 0
    assert line["time"].endswith("+00:00")


def test_a_logged_error_carries_its_traceback_in_one_line():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError: broken" in json.loads(text)["exception"]


@pytest.mark.django_db
def test_metrics_are_answered_to_an_allowed_address(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    client.get("/petitions/")
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert (
        'petitions_requests_total{database="primary",status="2xx",view="petitions:petition_list"}'
        in text
    )
    assert "petitions_request_seconds_bucket" in text


@pytest.mark.django_db
def test_metrics_give_each_replicas_health_and_lag_at_the_last_check(client, settings, monkeypatch):
    from petitions_site import replicas

    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 5
    lags = {"replica_a": 5.0, "replica_b": 5.5, "replica_c": None}
    with monkeypatch.context() as checked:
        checked.setattr(replicas, "replica_aliases", lambda: list(lags))
        checked.setattr(replicas, "primary_position", lambda: "0/1")
        checked.setattr(replicas, "replica_lag", lambda alias, position: lags[alias])
        assert replicas.check_replicas() == ["replica_a"]
    monkeypatch.setattr(replicas, "_healthy", [])
    text = client.get("/metrics").content.decode()
    # At the bound, past it, and not answering.
    assert 'petitions_replica_healthy{database="replica_a"} 1.0' in text
    assert 'petitions_replica_lag_seconds{database="replica_a"} 5.0' in text
    assert 'petitions_replica_healthy{database="replica_b"} 0.0' in text
    assert 'petitions_replica_lag_seconds{database="replica_b"} 5.5' in text
    assert 'petitions_replica_healthy{database="replica_c"} 0.0' in text
    assert 'petitions_replica_lag_seconds{database="replica_c"} -1.0' in text


@pytest.mark.django_db
def test_metrics_are_not_found_from_any_other_address(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 404
    settings.METRICS_ALLOWED_ADDRESSES = []
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_behind_a_proxy_metrics_go_by_the_client_not_the_proxy(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.TRUSTED_PROXIES = 1
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert outside.status_code == 404


def start(**variables):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "RELEASES_DIR"}}
    env |= {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_several_web_nodes_without_redis_refuse_to_start():
    result = start(SEVERAL_WEB_NODES="true", RELEASES_DIR="/srv/releases")
    assert result.returncode != 0
    assert "set REDIS_URL" in result.stderr


def test_several_web_nodes_without_shared_releases_refuse_to_start():
    result = start(SEVERAL_WEB_NODES="true", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0
    assert "set RELEASES_DIR" in result.stderr


def test_several_web_nodes_start_with_redis_and_shared_releases():
    result = start(
        SEVERAL_WEB_NODES="true", REDIS_URL="redis://127.0.0.1:6379/0", RELEASES_DIR="/srv/r"
    )
    assert result.returncode == 0, result.stderr


def test_several_web_nodes_refuse_to_start_when_redis_does_not_answer():
    code = "import petitions_site.wsgi"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_DEBUG": "true",
        "SEVERAL_WEB_NODES": "true",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "RELEASES_DIR": "/srv/releases",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "Redis (REDIS_URL) does not answer" in result.stderr


@pytest.mark.parametrize(
    ("profile", "services"),
    [
        ([], {"db", "redis", "web"}),
        (
            ["--profile", "scaled"],
            {"db", "db-replica", "redis", "web", "node-1", "node-2", "proxy"},
        ),
    ],
)
def test_docker_compose_reads_the_compose_file(profile, services):
    # Docker Compose itself (its PyPI wheel, in requirements.txt) checks the file against
    # the Compose specification; no container engine is needed to read it.
    compose = Path(sys.executable).parent / "docker-compose"
    assert compose.exists(), "docker-compose is missing: run make install"
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPOSE_")}
    result = subprocess.run(
        [compose, *profile, "config", "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert set(config["services"]) == services
    if profile:
        for node in ("node-1", "node-2"):
            environment = config["services"][node]["environment"]
            assert environment["SEVERAL_WEB_NODES"] == "true"
            assert environment["DATABASE_REPLICA_URLS"].endswith("@db-replica:5432/petitions")
            assert environment["REDIS_URL"] == "redis://redis:6379/0"
