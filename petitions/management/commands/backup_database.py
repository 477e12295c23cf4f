"""Dump the whole database with pg_dump (custom format), whichever PostgreSQL it is."""

import os
import subprocess

from django.core.management import BaseCommand, CommandError
from django.db import connection

from petitions_site.database import libpq_environment, postgres_tool


def server_major():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


class Command(BaseCommand):
    help = "Write a pg_dump archive of the database to FILE (restore with restore_database)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        pg_dump = postgres_tool("pg_dump", server_major())
        # The dump holds password hashes, sessions and authenticator keys: readable by its
        # owner only, from its first byte, even over an older file that was not.
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "wb") as output:
            result = subprocess.run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges"],
                env=libpq_environment(connection.settings_dict),
                stdout=output,
                stderr=subprocess.PIPE,
                text=True,
            )
        if result.returncode:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        self.stdout.write(f"Wrote {file}.")
