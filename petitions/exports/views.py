"""The current filter's petitions as CSV and JSON for researchers, every field, streamed;
and the data dictionary page that describes each column from the same definitions.

The fields are the export record (fields.py), the one the export command writes:
every stored fact, plus what a researcher computes anyway: the response due date, days
to respond and whether the 45-day deadline was met, and each petition's permanent
address. Each petition's line is read as kept (lines.py)."""

import datetime

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.exports import releases
from petitions.exports.fields import (
    CSV_COLUMNS,
    MEMBER_FIELDS,
    MEMBER_PARTS,
    NAME_PARTS,
    RECORD_FIELDS,
)
from petitions.exports.lines import csv_stream, json_stream, petition_url
from petitions.filter_forms import filter_errors
from petitions.filters import PetitionFilter
from petitions.models import Petition, Province
from petitions.refusals import bad_parameters_json, bad_parameters_page, wants_html

CITATION_EXAMPLE = "e-4172"
# What changed in the files researchers download, newest first: a script that reads
# them by column name keeps working; one that reads by position should be checked.
FILE_CHANGES = [
    (
        datetime.date(2026, 12, 6),
        _(
            "Two columns after addressee_member_house_person_id: addressee_heading_en and "
            "addressee_heading_fr, the House's heading when it names several addressees "
            '("Petition to the Minister of Health and the Minister of Finance"); the '
            "addressee columns name the first. The CSV has 69 columns; the JSON gains the "
            "same two fields. Files written before still import."
        ),
    ),
    (
        datetime.date(2026, 12, 4),
        _(
            "The export command (manage.py export_petitions) writes the same CSV as this "
            "site: 67 columns, UTF-8 with a byte order mark. Its CSV gains seven columns "
            "after responses (response_count, first_response_on, last_response_on, "
            "response_due_on, days_to_respond, responded_within_45_days, url) and its "
            "JSON the same seven fields. Files written before still import."
        ),
    ),
]

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
    "petitioner_name": _(
        "The petitioner (e-petitions only); empty when withdrawn from public view."
    ),
    "petitioner_city": _("The petitioner's city."),
    "petitioner_province": _("The petitioner's province or territory, as a two-letter code."),
    "original_language": _("The language the petition was written in: en, fr or bilingual."),
    "addressee_kind": _(
        "Who the petition is addressed to: house, government, prime_minister, minister or member."
    ),
    "ministry": _("The minister addressed."),
    "addressee_member": _("The Member of Parliament addressed, if any."),
    "addressee_heading_en": _(
        "The House's heading in English when it names several addressees (the columns "
        "above name the first); empty otherwise."
    ),
    "addressee_heading_fr": _(
        "The House's heading in French when it names several addressees; empty otherwise."
    ),
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


def describe(column):
    """The data dictionary's description of a CSV column or JSON field."""
    if column in DESCRIPTIONS:
        return DESCRIPTIONS[column]
    if column.startswith("signatures_"):
        province = Province(column.removeprefix("signatures_")).label
        return _("Validated signatures from %(province)s.") % {"province": province}
    for base, parts in [*NAME_PARTS.items(), *[(m, MEMBER_PARTS) for m in MEMBER_FIELDS]]:
        for part in parts:
            if column == f"{base}_{part}":
                return _("%(field)s: %(part)s.") % {
                    "field": str(DESCRIPTIONS[base]).rstrip("."),
                    "part": PART_NAMES[part],
                }
    raise KeyError(column)


def export_petitions(request):
    """The filtered petitions, or the filter's errors; the page's paging is ignored."""
    data = request.GET.copy()
    for name in ("page", "page_size"):
        data.pop(name, None)
    petition_filter = PetitionFilter(data, queryset=Petition.objects.all(), request=request)
    if not petition_filter.is_valid():
        errors = filter_errors(petition_filter)
        if wants_html(request):
            # A person who clicked the link on a page: a page, not raw JSON.
            return None, bad_parameters_page(request, errors)
        return None, bad_parameters_json(errors)
    return petition_filter.qs, None


def _attachment(stream, content_type, extension):
    response = StreamingHttpResponse(stream, content_type=content_type)
    name = f"petitions-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_csv(request):
    petitions, error = export_petitions(request)
    if error:
        return error
    return _attachment(csv_stream(petitions), "text/csv; charset=utf-8", "csv")


def export_json(request):
    petitions, error = export_petitions(request)
    if error:
        return error
    return _attachment(json_stream(petitions), "application/json; charset=utf-8", "json")


def data_dictionary(request):
    """/data/: every column and field, generated from the definitions the exports and
    the API use, so that the page cannot drift from them."""
    from petitions.api import MAX_API_PAGE_SIZE
    from petitions.serializers import PetitionDetailSerializer

    example = Petition.objects.by_number(CITATION_EXAMPLE)
    context = {
        "filters": [(name, field.label) for name, field in PetitionFilter.base_filters.items()],
        "max_page_size": MAX_API_PAGE_SIZE,
        "csv_columns": [(column, describe(column)) for column in CSV_COLUMNS],
        "json_fields": [(field, describe(field)) for field in RECORD_FIELDS],
        "api_fields": [
            (name, field.help_text) for name, field in PetitionDetailSerializer().fields.items()
        ],
        "example": example if example and example.presented_on else None,
        "example_url": petition_url(example) if example else "",
        "today": timezone.localdate(),
        "file_changes": FILE_CHANGES,
    }
    return render(request, "petitions/data_dictionary.html", context)


def release_list(request):
    """/data/releases/: every release with its files, sizes, checksums and citation."""
    return render(request, "petitions/releases.html", {"releases": releases.release_list()})


def release_download(request, name, file_name):
    path = releases.release_file(name, file_name)
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{name}-{file_name}")
