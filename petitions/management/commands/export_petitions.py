"""Write petitions as JSON, CSV or the House's XML: every field, read back unchanged by
import_petitions."""

import time

from django.core.management import BaseCommand, CommandError
from django.http import QueryDict

from petitions.filters import PetitionFilter
from petitions.house.codecs import write_csv, write_json
from petitions.house.records import export_record, for_export
from petitions.house.table import csv_cells, export_record_from_row, export_table, table_rows
from petitions.house.xml import write_xml
from petitions.models import Petition

WRITERS = {"json": write_json, "csv": write_csv, "xml": write_xml}
# The list's filters, as the page's query string names them.
FILTERS = [
    ("q", "words, a petition number or an MP"),
    ("number", "a petition or presentation number"),
    ("kind", "electronic or paper"),
    ("session", 'a session code, e.g. "441"'),
    ("topic", "a topic's slug"),
    ("keyword", "a keyword's slug"),
    ("ministry", "a ministry's slug (addressed or responding)"),
    ("sponsor", "the sponsoring Member's slug"),
    ("presenter", "the presenting Member's slug"),
    ("caucus", "the sponsor's caucus slug"),
    ("province", "the petitioner's province code"),
    ("opened_after", "YYYY-MM-DD"),
    ("opened_before", "YYYY-MM-DD"),
    ("presented_after", "YYYY-MM-DD"),
    ("presented_before", "YYYY-MM-DD"),
    ("responded", "yes or no"),
    ("response_overdue", "yes or no"),
    ("min_signatures", "a number"),
    ("max_signatures", "a number"),
]
CHUNK = 2000


class _Unchanged:
    """The command's output, written as given: no line ending added to each write."""

    def __init__(self, out):
        self.out = out

    def write(self, text):
        self.out.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Export petitions with their windows, counts by province and responses, as JSON, "
        "CSV or the House's XML. Filters are the petition list's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument("--output", "-o", help="A file to write (by default the output).")
        parser.add_argument(
            "--status", action="append", help="A status (repeat for several), e.g. responded."
        )
        for name, text in FILTERS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=text)

    def handle(self, *args, format, output=None, **options):
        data = QueryDict(mutable=True)
        for name, _ in FILTERS:
            if options.get(name) not in (None, ""):
                data[name] = options[name]
        if options.get("status"):
            data.setlist("status", options["status"])
        petitions = PetitionFilter(data, queryset=Petition.objects.all())
        if not petitions.is_valid():
            problems = "; ".join(
                f"--{name.replace('_', '-')}: {' '.join(errors)}"
                for name, errors in petitions.errors.items()
            )
            raise CommandError(f"Bad filter: {problems}")
        # Oldest row first: an export loaded into an empty database and exported again
        # comes out in the same order.
        queryset = petitions.qs.order_by("pk")
        started = time.monotonic()
        count = 0

        def records():
            nonlocal count
            if format == "xml":
                # The House's layout reads dates and times as objects, not as the
                # exports' text: it is written from the petitions' objects.
                for petition in for_export(queryset).iterator(chunk_size=CHUNK):
                    count += 1
                    yield export_record(petition)
                return
            # CSV and JSON come from the one query of the export table.
            as_record = csv_cells if format == "csv" else export_record_from_row
            for row in table_rows(export_table(queryset), chunk_size=CHUNK):
                count += 1
                yield as_record(row)

        newline = "" if format == "csv" else None
        if output:
            try:
                stream = open(output, "w", encoding="utf-8", newline=newline)  # noqa: SIM115
            except OSError as error:
                raise CommandError(f"{output}: cannot be written ({error.strerror}).") from None
            with stream:
                WRITERS[format](records(), stream)
        else:
            WRITERS[format](records(), _Unchanged(self.stdout))
        seconds = time.monotonic() - started
        rate = count / seconds if seconds else 0
        noun = "petition" if count == 1 else "petitions"
        self.stderr.write(f"Exported {count:,} {noun} as {format} ({rate:,.0f} petitions/s).")
