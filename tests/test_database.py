"""Where the database is: DATABASE_URL when set, or the project's own embedded server,
which keeps its data between runs and stops when the last process using it exits."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from petitions_site import database

ROOT = Path(__file__).resolve().parents[1]


def test_database_url_is_used_when_set(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://clerk:secret@db.internal:6543/archive")
    config = database.database_config()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "archive")
    assert "statement_timeout" in config["OPTIONS"]["options"]


def run_python(code, data_dir):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["EMBEDDED_PGDATA"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_embedded_server_keeps_its_data_and_stops_when_the_process_exits(own_tmp_path):
    data_dir = own_tmp_path / "pgdata"
    write = (
        "import psycopg; from petitions_site.database import embedded_database_url as url\n"
        "with psycopg.connect(url(), autocommit=True) as c:\n"
        "    c.execute('CREATE TABLE kept (word text)')\n"
        "    c.execute(\"INSERT INTO kept VALUES ('pétition')\")\n"
    )
    assert run_python(write, data_dir).returncode == 0
    assert not (data_dir / "postmaster.pid").exists(), "the server should stop with the process"

    read = (
        "import psycopg; from petitions_site.database import embedded_database_url as url\n"
        "with psycopg.connect(url()) as c:\n"
        "    print(c.execute('SELECT word FROM kept').fetchone()[0])\n"
    )
    result = run_python(read, data_dir)
    assert result.stdout.strip() == "pétition", result.stderr
    assert not (data_dir / "postmaster.pid").exists()


@pytest.mark.django_db
def test_connections_are_released_by_the_server_once_idle(settings):
    """So that a smart shutdown of PostgreSQL does not wait for idle web processes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW idle_session_timeout")
        assert cursor.fetchone()[0] == "2min"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"


def test_replicas_are_read_from_database_replica_urls_and_tested_on_the_primary(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "postgres://a@r1:5432/x, ,postgres://a@r2/x")
    replicas = database.replica_configs()
    assert [(alias, config["HOST"]) for alias, config in replicas.items()] == [
        ("replica_1", "r1"),
        ("replica_2", "r2"),
    ]
    # Tests run on the primary's test database alone: a replica holds the same data.
    assert replicas["replica_1"]["TEST"] == {"MIRROR": "default"}
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "")
    assert database.replica_configs() == {}


def test_a_lock_timeout_is_set_only_when_asked(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://clerk:secret@db.internal:6543/archive")
    assert "lock_timeout" not in database.database_config()["OPTIONS"]["options"]
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_MS", "5000")
    assert "-c lock_timeout=5000" in database.database_config()["OPTIONS"]["options"]
