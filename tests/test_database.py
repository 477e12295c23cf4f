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
