"""Write a citable, dated release of the whole archive (petitions/exports/releases.py)."""

import sys
import time

from django.core.management import BaseCommand, CommandError

from petitions.exports.releases import ReleaseError, release_build, releases_dir


class Command(BaseCommand):
    help = (
        "Write a dated release of the whole archive into RELEASES_DIR: CSV, JSON and "
        "Parquet, the data dictionary, SHA-256 checksums, CITATION.cff and a changelog "
        "against the previous release. A release is never changed once written."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(unit=" petitions", desc="parquet", file=sys.stderr, leave=False)
        try:
            manifest = release_build(tick=bar.update if bar else None)
        except ReleaseError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        counts = manifest["counts"]
        seconds = time.monotonic() - started
        noun = "petition" if counts["petitions"] == 1 else "petitions"
        self.stdout.write(
            f"Release {manifest['name']} written to {releases_dir() / manifest['name']}: "
            f"{counts['petitions']:,} {noun} ({counts['added']:,} added, "
            f"{counts['changed']:,} changed, {counts['removed']:,} removed) "
            f"in {seconds:.1f} s."
        )
