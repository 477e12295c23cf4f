"""Restore a backup_database archive into an empty database."""

import subprocess

from django.core.management import BaseCommand, CommandError
from django.db import connection

from petitions.cache import data_changed
from petitions.management.commands.backup_database import server_major
from petitions_site.database import libpq_environment, postgres_tool


class Command(BaseCommand):
    help = (
        "Restore FILE (from backup_database) into the configured database, or into "
        "--database-name on the same server. The target must be empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database-name", help="Another, empty database on the same server.")

    def handle(self, *args, file, database_name, **options):
        pg_restore = postgres_tool("pg_restore", server_major())
        env = libpq_environment(connection.settings_dict, database=database_name)
        result = subprocess.run(
            [pg_restore, "--exit-on-error", "--no-owner", "--no-privileges",
             "--single-transaction", f"--dbname={env['PGDATABASE']}", file],
            env=env,
            capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode:
            raise CommandError(f"pg_restore failed, nothing restored: {result.stderr.strip()}")
        if database_name is None:
            # The restored version is older than the pages kept from before.
            data_changed()
        self.stdout.write(f"Restored {file} into {env['PGDATABASE']}.")
