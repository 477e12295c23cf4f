"""Fill the database with synthetic petitions shaped like the House's, at any size."""

import datetime
import sys

from django.core.management import BaseCommand, CommandError

from petitions.services import demo_petitions_seed


class Command(BaseCommand):
    help = (
        "Add N synthetic petitions (about five paper petitions for every e-petition) with "
        "their Members, windows, counts by province, responses and keywords. The same "
        "seed and --as-of date give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            help="The day the data ends on, YYYY-MM-DD (by default today).",
        )

    def handle(self, *args, petitions, seed, as_of=None, **options):
        if petitions < 1:
            raise CommandError("--petitions must be 1 or more.")
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=petitions, unit=" petitions", file=sys.stderr, leave=False)
        written = 0

        def tick(count):
            nonlocal written
            written += count
            if bar is not None:
                bar.update(count)
            else:
                self.stderr.write(f"{written:,} of {petitions:,} petitions written")

        try:
            report = demo_petitions_seed(count=petitions, seed=seed, as_of=as_of, tick=tick)
        except ValueError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        for name, rows in report.rows.items():
            self.stdout.write(f"{rows:>12,} {name}")
        rate = report.total_rows / report.seconds if report.seconds else 0
        self.stdout.write(
            f"{report.total_rows:,} rows in {report.seconds:.1f} s "
            f"({rate:,.0f} rows/s, {petitions / report.seconds:,.0f} petitions/s)."
        )
