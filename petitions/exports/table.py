"""The exports read as one table: a row per petition, a cell per CSV column, from one
query that gathers each petition's keywords, counts by province and responses in the
database. Building each row from model objects and their prefetched relations ran at
about a thousand rows a second; this runs at tens of thousands.

The cells are what the CSV writes: text and numbers as stored, a Member or a name as
its parts, keywords and responses as JSON text laid out exactly as `json.dumps` lays it
out (PostgreSQL escapes a string as it does), so a row is written without being looked
at. This is the one builder of the export record: `csv_cells` gives a row's CSV cells
and `export_record` the record the JSON export writes and the House's XML is written
from, both with the facts derived for researchers (`response_facts`)."""

import datetime
import json

from django.contrib.postgres.fields import ArrayField
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from petitions.exports.fields import (
    CSV_COLUMNS,
    DATETIME_FIELDS,
    DERIVED_FIELDS,
    JSON_CELLS,
    MEMBER_FIELDS,
    MEMBER_PARTS,
    NAME_PARTS,
    PROVINCE_CODES,
    RECORD_FIELDS,
    STORED_COLUMNS,
)
from petitions.house.dates import OTTAWA
from petitions.models import Petition, ProvinceSignatureCount, response_deadline, response_due_on
from responses.models import GovernmentResponse

# Where a name's parts are stored, by its key in a record.
NAME_SOURCES = {
    "topic": {"en": "topic__name_en", "fr": "topic__name_fr"},
    "ministry": {"en": "ministry__title_en", "fr": "ministry__title_fr"},
    "sponsor_caucus": {
        "short": "sponsor_caucus__short_name",
        "en": "sponsor_caucus__name_en",
        "fr": "sponsor_caucus__name_fr",
    },
}
COUNT_COLUMNS = [f"signatures_{code}" for code in PROVINCE_CODES]


class JsonText(Func):
    """A value as JSON text, `null` for NULL: a string escaped as json.dumps escapes it
    (\\" \\\\ \\b \\f \\n \\r \\t, \\u00XX for any other control character), a date as
    ISO 8601, a number as it is."""

    template = "COALESCE(to_json(%(expressions)s)::text, 'null')"
    output_field = TextField()


def _joined(*parts):
    return Func(*parts, template="(%(expressions)s)", arg_joiner=" || ", output_field=TextField())


def json_object(**values):
    """A JSON object as text, its keys in the order given, spaced as json.dumps spaces
    them: jsonb would sort the keys and json_build_object spaces them otherwise, and the
    files must read as they always have. Each value is JSON text already."""
    parts = []
    for index, (key, value) in enumerate(values.items()):
        parts += [Value(("{" if index == 0 else ", ") + json.dumps(key) + ": "), value]
    return _joined(*parts, Value("}"))


def _json_list(item, order_by):
    """The aggregated items as a JSON list (NULL when there are none, an empty cell)."""
    return _joined(Value("["), StringAgg(item, Value(", "), order_by=order_by), Value("]"))


def _names(sources):
    """{"en": ..., "fr": ...} as JSON text, or null when the relation is not set."""
    relation = next(iter(sources.values())).split("__")[0]
    return Case(
        When(**{f"{relation}__isnull": True}, then=Value("null")),
        default=json_object(**{key: JsonText(F(source)) for key, source in sources.items()}),
        output_field=TextField(),
    )


def _per_petition(queryset, value):
    """A correlated subquery: `value` aggregated over the petition's rows of `queryset`."""
    rows = queryset.filter(petition=OuterRef("pk")).order_by().values("petition")
    return Subquery(rows.annotate(value=value).values("value"))


def _keywords():
    keyword = {"en": "keyword__name_en", "fr": "keyword__name_fr"}
    return _per_petition(
        Petition.keywords.through.objects.all(),
        # In the keywords' own order, as the relation lists them.
        _json_list(_names(keyword), order_by="keyword__name_en"),
    )


def _responses():
    response = json_object(
        position=JsonText(F("position")),
        ministry=_names({"en": "ministry__title_en", "fr": "ministry__title_fr"}),
        signed_by=JsonText(F("signed_by")),
        tabled_on=JsonText(F("tabled_on")),
        sessional_paper_number=JsonText(F("sessional_paper_number")),
        text_en=JsonText(F("text_en")),
        text_fr=JsonText(F("text_fr")),
    )
    return _per_petition(GovernmentResponse.objects.all(), _json_list(response, "position"))


def _province_counts():
    """The counts as one array in PROVINCE_CODES order (NULL where a province has none):
    one lookup of the petition's counts instead of one per province."""
    counts = [Max("signature_count", filter=Q(province=code)) for code in PROVINCE_CODES]
    array = Func(
        *counts, template="ARRAY[%(expressions)s]", output_field=ArrayField(IntegerField())
    )
    return _per_petition(ProvinceSignatureCount.objects.all(), array)


def _sources():
    """What the database reads for each stored CSV column, in CSV order; the counts by
    province come as one array in the place of the first, then the response facts."""
    sources = {}
    for column in STORED_COLUMNS:
        if column in COUNT_COLUMNS:
            sources.setdefault("province_counts", _province_counts())
        elif column == "keywords":
            sources[column] = _keywords()
        elif column == "responses":
            sources[column] = _responses()
        elif column in ("parliament", "session"):
            sources[column] = F(f"session__{column}")
        elif column.startswith("session_"):
            sources[column] = F(f"session__{column.removeprefix('session_')}")
        elif column in DATETIME_FIELDS:
            sources[column] = F(f"window__{column}")
        elif column == "status":
            sources[column] = F("status")
        elif column == "petitioner_name":
            # A name withdrawn from public view is written empty (and an import of the
            # file keeps the stored one: petitions/services/imports.py).
            sources[column] = Case(
                When(is_petitioner_name_withdrawn=True, then=Value("")),
                default=F(column),
            )
        else:
            sources[column] = _part_source(column) or F(column)
    responses = GovernmentResponse.objects.all()
    sources["response_count"] = Coalesce(_per_petition(responses, Count("pk")), 0)
    sources["first_response_on"] = _per_petition(responses, Min("tabled_on"))
    sources["last_response_on"] = _per_petition(responses, Max("tabled_on"))
    return sources


def _part_source(column):
    """The stored field behind a name's or a Member's part, e.g. sponsor_first_name."""
    for key, parts in NAME_SOURCES.items():
        for part, source in parts.items():
            if column == f"{key}_{part}":
                return F(source)
    for member in MEMBER_FIELDS:
        for part in MEMBER_PARTS:
            if column == f"{member}_{part}":
                return F(f"{member}__{part}")
    return None


def export_table(queryset, *, at=None, then=()):
    """The petitions of `queryset`, each a tuple of its cells (see _sources) followed by
    the fields named in `then`, in the queryset's order, the status at `at` (now by
    default) from its one definition (with_status)."""
    sources = _sources()
    names = {name: f"cell_{index}" for index, name in enumerate(sources)}
    cells = queryset.with_status(at).annotate(**{names[name]: sources[name] for name in sources})
    return cells.values_list(*names.values(), *then)


def table_rows(table, *, chunk_size):
    """The rows of an export table, read from a server-side cursor a chunk at a time, so
    that memory holds one chunk whatever the size of the export.

    Read in a transaction of their own: the cursor then computes each chunk as it is
    fetched (outside one, it computes every row before the first). (Connections run
    without JIT compilation, which cost seconds on a query this wide: see database.py.)"""
    with transaction.atomic():
        yield from table.iterator(chunk_size=chunk_size)


TABLE_COLUMNS = list(_sources())
AT = {name: index for index, name in enumerate(TABLE_COLUMNS)}
_COUNTS_AT = AT["province_counts"]
_NO_COUNTS = [None] * len(PROVINCE_CODES)
# Where the derived facts go among the CSV cells.
_DERIVED_AT = CSV_COLUMNS.index(DERIVED_FIELDS[0])
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def deadline_facts(presented_on, first_response_on, today=None):
    """The 45-day deadline of Standing Order 36(8): when it falls, how long the first
    response took, and whether it was met (None while not presented or not yet due)."""
    deadline = response_deadline(presented_on, first_response_on, today or timezone.localdate())
    if deadline is None:
        return {"response_due_on": None, "days_to_respond": None, "responded_within_45_days": None}
    within = {"met": True, "late": False, "overdue": False, "pending": None}[deadline[0]]
    return {
        "response_due_on": response_due_on(presented_on),
        "days_to_respond": (first_response_on - presented_on).days if first_response_on else None,
        "responded_within_45_days": within,
    }


def response_facts(row, today):
    """Responses tabled, when, and the deadline facts, from a row of the export table;
    the address is left for the writer, which knows the language asked (lines.py)."""
    first = row[AT["first_response_on"]]
    return {
        "response_count": row[AT["response_count"]],
        "first_response_on": first,
        "last_response_on": row[AT["last_response_on"]],
        **deadline_facts(row[AT["presented_on"]], first, today),
        "url": None,
    }


def ottawa_time(moment):
    return None if moment is None else moment.astimezone(OTTAWA)


def csv_cells(row, today):
    """The CSV_COLUMNS cells of a table row as of `today`, ready for csv.writer (None is
    empty; the address empty, for the writer to fill)."""
    cells = list(row[: AT["response_count"]])
    cells[_COUNTS_AT : _COUNTS_AT + 1] = cells[_COUNTS_AT] or _NO_COUNTS
    for name in DATETIME_FIELDS:
        index = CSV_COLUMNS.index(name)
        cells[index] = None if cells[index] is None else ottawa_time(cells[index]).isoformat()
    facts = response_facts(row, today)
    within = facts["responded_within_45_days"]
    facts["responded_within_45_days"] = None if within is None else str(within).lower()
    # As text, so that a negative number of days would be made harmless like any cell.
    if facts["days_to_respond"] is not None:
        facts["days_to_respond"] = str(facts["days_to_respond"])
    cells[_DERIVED_AT:_DERIVED_AT] = [facts[field] for field in DERIVED_FIELDS]
    # (Numbers never start with "-": the database refuses negative counts and ids.)
    return [spreadsheet_safe(cell) for cell in cells]


def spreadsheet_safe(cell):
    """A CSV cell that a spreadsheet would run as a formula, as text; others as they are."""
    return "'" + cell if type(cell) is str and cell.startswith(FORMULA_PREFIXES) else cell


def export_record(row, today):
    """The export record a table row stands for, as of `today`, in RECORD_FIELDS order:
    dates as dates, times as aware datetimes on Ottawa's clock (the JSON writer makes
    them ISO 8601), the address None for the writer to fill."""
    cell = dict(zip(TABLE_COLUMNS, row[: len(TABLE_COLUMNS)], strict=True))
    facts = response_facts(row, today)
    record = {}
    for field in RECORD_FIELDS:
        if field in NAME_PARTS or field in MEMBER_FIELDS:
            parts = {part: cell[f"{field}_{part}"] for part in NAME_PARTS.get(field, MEMBER_PARTS)}
            record[field] = parts if any(value is not None for value in parts.values()) else None
        elif field == "province_counts":
            counts = zip(PROVINCE_CODES, cell[field] or _NO_COUNTS, strict=True)
            # In code order, as the counts' model orders them.
            record[field] = {code: count for code, count in sorted(counts) if count is not None}
        elif field in JSON_CELLS:
            record[field] = json.loads(cell[field]) if cell[field] else []
        elif field in DATETIME_FIELDS:
            record[field] = ottawa_time(cell[field])
        elif field in facts:
            record[field] = facts[field]
        elif field == "status":
            record[field] = cell[field] or ""
        else:
            record[field] = cell[field]
    for response in record["responses"]:
        if response["tabled_on"] is not None:
            response["tabled_on"] = datetime.date.fromisoformat(response["tabled_on"])
    return record


def export_records(queryset, *, at=None, chunk_size=2000):
    """The export records of `queryset`, in its order, as of `at` (now by default)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    for row in table_rows(export_table(queryset, at=at), chunk_size=chunk_size):
        yield export_record(row, today)
