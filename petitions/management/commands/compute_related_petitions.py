"""Compute the related petitions of every petition whose list is missing or out of
date: after migrating to related petitions, after seed_demo, or with --all after the
rules that relate petitions changed. A page computes its own list when first shown
after a change; this computes them ahead."""

import os
import sys
import time

from django.core.management import BaseCommand

from petitions.services.related import related_petitions_compute


class Command(BaseCommand):
    help = (
        "Compute the related petitions of every petition whose list is missing or out of "
        "date (every petition with --all)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Compute every list again, even current ones."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Database connections computing lists at once (by default, one a core).",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(unit=" petitions", file=sys.stderr, leave=False)
        try:
            computed = related_petitions_compute(
                everything=options["all"],
                tick=bar.update if bar else None,
                workers=max(options["workers"], 1),
            )
        finally:
            if bar is not None:
                bar.close()
        seconds = time.monotonic() - started
        self.stdout.write(f"Related petitions: {computed:,} lists computed in {seconds:.1f} s.")
