"""Write petitions as JSON, CSV or the House's XML: every field, read back unchanged by
import_petitions. The JSON and the CSV are the site's exports, byte for byte (the same
lines, kept in the database: petitions/exports/lines.py)."""

import time

from django.core.management import BaseCommand, CommandError
from django.http import QueryDict

from petitions.exports.lines import STREAMS
from petitions.exports.table import export_records
from petitions.filters import PetitionFilter
from petitions.house.xml_export import write_xml
from petitions.models import Petition

FORMATS = ("csv", "json", "xml")
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


class _Text:
    """The command's output as a text stream, written as given (no line ending added to
    each write); bytes are UTF-8."""

    def __init__(self, out):
        self.out = out

    def write(self, text):
        self.out.write(text.decode() if isinstance(text, bytes) else text, ending="")


class Command(BaseCommand):
    help = (
        "Export petitions with their windows, counts by province and responses, as JSON, "
        "CSV or the House's XML. Filters are the petition list's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json")
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
        count = queryset.count()
        if output:
            try:
                stream = (
                    open(output, "wb")  # noqa: SIM115
                    if format in STREAMS
                    else open(output, "w", encoding="utf-8")  # noqa: SIM115
                )
            except OSError as error:
                raise CommandError(f"{output}: cannot be written ({error.strerror}).") from None
            with stream:
                self.write(format, queryset, stream)
        else:
            self.write(format, queryset, _Text(self.stdout))
        seconds = time.monotonic() - started
        rate = count / seconds if seconds else 0
        noun = "petition" if count == 1 else "petitions"
        self.stderr.write(f"Exported {count:,} {noun} as {format} ({rate:,.0f} petitions/s).")

    def write(self, format, queryset, stream):
        if format in STREAMS:
            for chunk in STREAMS[format](queryset):
                stream.write(chunk)
        else:
            write_xml(export_records(queryset), stream)
