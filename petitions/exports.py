"""The current filter's petitions as CSV and JSON for researchers, every field, streamed;
and the data dictionary page that describes each column from the same definitions.

The fields are the project's export record (petitions/house/records.py, the one the
export command writes), flattened for CSV as the command flattens it, plus what a
researcher computes anyway: the response due date, days to respond and whether the
45-day deadline was met, and each petition's permanent address."""

import csv
import datetime
import io
import json

from django.conf import settings
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.filters import PetitionFilter
from petitions.house.codecs import CSV_COLUMNS, MEMBER_COLUMNS, NAME_COLUMNS
from petitions.house.records import EXPORT_FIELDS, jsonable
from petitions.house.table import AT, csv_cells, export_record_from_row, export_table, table_rows
from petitions.models import RESPONSE_DAYS, Petition, Province

# Rows fetched from the server-side cursor at a time.
EXPORT_CHUNK_SIZE = 2000
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CITATION_EXAMPLE = "e-4172"
URL_PLACEHOLDER = "e-0"
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"

# Derived from the facts, for researchers; after the responses in the CSV.
DERIVED_FIELDS = [
    "response_count",
    "first_response_on",
    "last_response_on",
    "response_due_on",
    "days_to_respond",
    "responded_within_45_days",
    "url",
]
_CSV_AFTER = CSV_COLUMNS.index("responses") + 1
COLUMNS = [*CSV_COLUMNS[:_CSV_AFTER], *DERIVED_FIELDS, *CSV_COLUMNS[_CSV_AFTER:]]
_AFTER = EXPORT_FIELDS.index("responses") + 1
JSON_FIELDS = [*EXPORT_FIELDS[:_AFTER], *DERIVED_FIELDS, *EXPORT_FIELDS[_AFTER:]]

DESCRIPTIONS = {
    "number": _(
        "The petition's number: e-N for an e-petition, its presentation number for a "
        "paper petition. Stable: use it to cite or join."
    ),
    "kind": _("electronic (e-petition) or paper."),
    "parliament": _("The Parliament, e.g. 44."),
    "session": _("The session within the Parliament, e.g. 1."),
    "session_started_on": _("The day the session opened."),
    "session_ended_on": _(
        "The day the session ended (prorogation or dissolution); empty if it has not."
    ),
    "house_id": _("The House of Commons' own record id, where known."),
    "status": _(
        "The status derived from the dates and the outcome: not_yet_open, open, closed, "
        "certified, not_certified, closed_on_dissolution, presented or responded."
    ),
    "topic": _("The subject the House files the petition under."),
    "keywords": _("The House's index terms."),
    "petitioner_name": _("The petitioner (e-petitions only)."),
    "petitioner_city": _("The petitioner's city."),
    "petitioner_province": _("The petitioner's province or territory, as a two-letter code."),
    "original_language": _("The language the petition was written in: en, fr or bilingual."),
    "addressee_kind": _(
        "Who the petition is addressed to: house, government, prime_minister, minister or member."
    ),
    "ministry": _("The minister addressed."),
    "addressee_member": _("The Member of Parliament addressed, if any."),
    "whereas_en": _("The whereas items in English, one per line."),
    "whereas_fr": _("The whereas items in French, one per line."),
    "prayer_en": _("The prayer (what the petitioners ask) in English."),
    "prayer_fr": _("The prayer (what the petitioners ask) in French."),
    "sponsor": _("The Member of Parliament who sponsored the e-petition."),
    "sponsor_riding": _("The sponsor's riding when the petition was sponsored."),
    "sponsor_caucus": _("The sponsor's party when the petition was sponsored."),
    "sponsor_province": _("The sponsor's province when the petition was sponsored."),
    "presenter": _("The Member of Parliament who presented the petition in the House."),
    "presenter_riding": _("The presenter's riding."),
    "presentation_number": _(
        "The number given when presented: Parliament, session and a sequence (PPS-NNNNN)."
    ),
    "presented_on": _("The day the petition was presented in the House."),
    "outcome": _(
        "The Clerk's decision after the signing period: certified, not_certified, "
        "closed_on_dissolution, or empty while pending."
    ),
    "outcome_on": _("The day of that decision."),
    "signature_count": _("Validated signatures in total."),
    "opens_at": _("When the e-petition opened for signature (ISO 8601, Ottawa time)."),
    "closes_at": _("When the e-petition closed for signature (ISO 8601, Ottawa time)."),
    "province_counts": _("Validated signatures by province or territory code."),
    "responses": _(
        "The government's responses, in order: position, ministry, signed by, tabled on, "
        "sessional paper number and text in English and French (JSON in a CSV cell)."
    ),
    "response_count": _("How many government responses were tabled."),
    "first_response_on": _("The day the first response was tabled."),
    "last_response_on": _("The day the latest response was tabled."),
    "response_due_on": _(
        "45 calendar days after presentation: the deadline of Standing Order 36(8)."
    ),
    "days_to_respond": _("Calendar days from presentation to the first response."),
    "responded_within_45_days": _(
        "true if a response was tabled by the due date; false if it came later or is "
        "overdue; empty while not presented or not yet due."
    ),
    "url": _("The petition's permanent address on this site."),
    "source_url": _("Where the record was taken from."),
    "source_note": _("Notes on the record's provenance."),
}
PART_NAMES = {
    "en": _("in English"),
    "fr": _("in French"),
    "short": _("short name"),
    "first_name": _("first name"),
    "last_name": _("last name"),
    "house_person_id": _("the House's PersonId"),
}


MEMBER_FIELDS = ("sponsor", "presenter", "addressee_member")


def describe(column):
    """The data dictionary's description of a CSV column or JSON field."""
    if column in DESCRIPTIONS:
        return DESCRIPTIONS[column]
    if column.startswith("signatures_"):
        province = Province(column.removeprefix("signatures_")).label
        return _("Validated signatures from %(province)s.") % {"province": province}
    for base, parts in [*NAME_COLUMNS.items(), *[(m, MEMBER_COLUMNS) for m in MEMBER_FIELDS]]:
        for part in parts:
            if column == f"{base}_{part}":
                return _("%(field)s: %(part)s.") % {
                    "field": str(DESCRIPTIONS[base]).rstrip("."),
                    "part": PART_NAMES[part],
                }
    raise KeyError(column)


def deadline_facts(presented_on, first_response_on, today=None):
    """The 45-day deadline of Standing Order 36(8): when it falls, how long the first
    response took, and whether it was met (None while not presented or not yet due)."""
    if presented_on is None:
        return {"response_due_on": None, "days_to_respond": None, "responded_within_45_days": None}
    due = presented_on + datetime.timedelta(days=RESPONSE_DAYS)
    within = None
    if first_response_on is not None:
        within = first_response_on <= due
    elif due < (today or timezone.localdate()):
        within = False
    return {
        "response_due_on": due,
        "days_to_respond": (first_response_on - presented_on).days if first_response_on else None,
        "responded_within_45_days": within,
    }


def response_facts(row, today=None):
    """Responses tabled, when, and the deadline facts, from a row of the export table."""
    first = row[AT["first_response_on"]]
    return {
        "response_count": row[AT["response_count"]],
        "first_response_on": first,
        "last_response_on": row[AT["last_response_on"]],
        **deadline_facts(row[AT["presented_on"]], first, today),
    }


def petition_url(petition):
    return settings.SITE_URL.rstrip("/") + petition.get_absolute_url()


def petition_urls():
    """A function giving the address of a petition, by its number, in the active
    language: the URL is reversed once, not once a row."""
    template = petition_url(Petition(number=URL_PLACEHOLDER))
    return lambda number: template.replace(URL_PLACEHOLDER, number)


def _derived_cells(row, today, url):
    facts = response_facts(row, today)
    within = facts["responded_within_45_days"]
    facts["responded_within_45_days"] = None if within is None else str(within).lower()
    # As text, so that a negative number of days would be made harmless like any cell.
    if facts["days_to_respond"] is not None:
        facts["days_to_respond"] = str(facts["days_to_respond"])
    facts["url"] = url(row[AT["number"]])
    return [facts[field] for field in DERIVED_FIELDS]


def _csv_cells(row, today, url):
    cells = csv_cells(row)
    cells[_CSV_AFTER:_CSV_AFTER] = _derived_cells(row, today, url)
    # A cell a spreadsheet would run as a formula is shown as text. (Numbers never start
    # with "-": the database refuses negative counts and ids.)
    return [
        "'" + cell if type(cell) is str and cell.startswith(FORMULA_PREFIXES) else cell
        for cell in cells
    ]


def _json_record(row, today, url):
    record = export_record_from_row(row)
    record.update(response_facts(row, today), url=url(row[AT["number"]]))
    return {field: record[field] for field in JSON_FIELDS}


def export_petitions(request):
    """The filtered petitions, or the filter's errors; the page's paging is ignored."""
    data = request.GET.copy()
    for name in ("page", "page_size"):
        data.pop(name, None)
    petition_filter = PetitionFilter(data, queryset=Petition.objects.all(), request=request)
    if not petition_filter.is_valid():
        return None, JsonResponse({"errors": petition_filter.errors}, status=400)
    return petition_filter.qs, None


def _rows(petitions):
    return table_rows(export_table(petitions), chunk_size=EXPORT_CHUNK_SIZE)


def _csv_stream(petitions):
    today, url = timezone.localdate(), petition_urls()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield BOM + _drain(buffer)
    for count, row in enumerate(_rows(petitions), start=1):
        writer.writerow(_csv_cells(row, today, url))
        if count % 100 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _json_stream(petitions):
    # One petition per line, as the export command writes it: the import command and any
    # JSON reader take it back.
    today, url = timezone.localdate(), petition_urls()
    yield "["
    separator = "\n"
    for row in _rows(petitions):
        yield separator + json.dumps(jsonable(_json_record(row, today, url)), ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def _attachment(stream, content_type, extension):
    response = StreamingHttpResponse(stream, content_type=content_type)
    name = f"petitions-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request):
    petitions, error = export_petitions(request)
    if error:
        return error
    return _attachment(_csv_stream(petitions), "text/csv; charset=utf-8", "csv")


def export_json(request):
    petitions, error = export_petitions(request)
    if error:
        return error
    return _attachment(_json_stream(petitions), "application/json; charset=utf-8", "json")


def data_dictionary(request):
    """/data/: every column and field, generated from the definitions the exports and
    the API use, so that the page cannot drift from them."""
    from petitions.api import MAX_API_PAGE_SIZE, PetitionDetailSerializer

    example = Petition.objects.by_number(CITATION_EXAMPLE)
    context = {
        "filters": [(name, field.label) for name, field in PetitionFilter.base_filters.items()],
        "max_page_size": MAX_API_PAGE_SIZE,
        "csv_columns": [(column, describe(column)) for column in COLUMNS],
        "json_fields": [(field, describe(field)) for field in JSON_FIELDS],
        "api_fields": [
            (name, field.help_text) for name, field in PetitionDetailSerializer().fields.items()
        ],
        "example": example if example and example.presented_on else None,
        "example_url": petition_url(example) if example else "",
        "today": timezone.localdate(),
    }
    return render(request, "petitions/data_dictionary.html", context)
