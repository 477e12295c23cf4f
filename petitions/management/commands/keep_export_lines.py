"""Build every export line that is missing or out of date, so that the first export
of any filter reads kept lines (see petitions/exports/lines.py). Run it after a large
import, and each night."""

import sys
import time

from django.core.management import BaseCommand

from petitions.exports.lines import keep_lines

FORMATS = ("csv", "json")


class Command(BaseCommand):
    help = (
        "Build the export lines (CSV and JSON) of every petition whose lines are missing or "
        "out of date: after a large import, and each night."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, help="One format (by default both).")

    def handle(self, *args, format=None, **options):
        for name in [format] if format else FORMATS:
            started = time.monotonic()
            bar = None
            if sys.stderr.isatty():
                from tqdm import tqdm

                bar = tqdm(unit=" lines", desc=name, file=sys.stderr, leave=False)
            try:
                built = keep_lines(name, tick=bar.update if bar else None)
            finally:
                if bar is not None:
                    bar.close()
            seconds = time.monotonic() - started
            self.stdout.write(f"{name}: {built:,} built in {seconds:.1f} s.")
