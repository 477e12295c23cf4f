"""A backup restores into an empty database with nothing missing."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from petitions_site.database import libpq_environment


def table_fingerprints(database_env):
    """Every table's row count and an md5 of its rows in a stable order."""
    conninfo = " ".join(
        f"{key}={database_env[var]}"
        for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"),
                         ("password", "PGPASSWORD"), ("dbname", "PGDATABASE"))
        if database_env.get(var)
    )  # fmt: skip
    with psycopg.connect(conninfo) as db:
        tables = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )]  # fmt: skip
        return {
            table: db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{table}" t'
            ).fetchone()
            for table in tables
        }


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_an_empty_database_with_nothing_missing(tmp_path):
    call_command("loaddata", "sample_petitions", verbosity=0)
    dump = tmp_path / "archive.dump"
    call_command("backup_database", str(dump))

    target = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        # Creating and dropping a database waits on a checkpoint: seconds on a busy
        # machine, past the web's statement timeout.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        call_command("restore_database", str(dump), database_name=target)
        original = table_fingerprints(libpq_environment(connection.settings_dict))
        restored = table_fingerprints(libpq_environment(connection.settings_dict, target))
        assert original["petitions_petition"][0] == 10
        assert restored == original
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
            cursor.execute("RESET statement_timeout")


@pytest.mark.django_db
def test_a_dump_is_readable_by_its_owner_only(tmp_path):
    dump = tmp_path / "archive.dump"
    dump.write_bytes(b"an older dump")
    dump.chmod(0o644)
    call_command("backup_database", str(dump))
    assert dump.stat().st_mode & 0o777 == 0o600
    assert dump.read_bytes().startswith(b"PGDMP")
    fresh = tmp_path / "fresh.dump"
    call_command("backup_database", str(fresh))
    assert fresh.stat().st_mode & 0o777 == 0o600
