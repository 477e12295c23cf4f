"""The exports read as one table: a row per petition, a cell per CSV column, from one
query that gathers each petition's keywords, counts by province and responses in the
database. Building each row from model objects and their prefetched relations ran at
about a thousand rows a second; this runs at tens of thousands.

The cells are what the CSV writes: text and numbers as stored, a Member or a name as
its parts, keywords and responses as JSON text laid out exactly as `json.dumps` lays it
out (PostgreSQL escapes a string as it does), so a row is written without being looked
at. A JSON record is nested back from the same cells (`export_record_from_row`)."""

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

from petitions.house.codecs import CSV_COLUMNS, MEMBER_COLUMNS, NAME_COLUMNS
from petitions.house.records import EXPORT_FIELDS, OTTAWA, PROVINCE_CODES
from petitions.models import Petition, ProvinceSignatureCount
from responses.models import GovernmentResponse

MEMBERS = ("sponsor", "presenter", "addressee_member")
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
DATETIMES = ("opens_at", "closes_at")
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
    """What the database reads for each CSV column, in CSV order; the counts by province
    come as one array in the place of the first, then the response facts."""
    sources = {}
    for column in CSV_COLUMNS:
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
        elif column in DATETIMES:
            sources[column] = F(f"window__{column}")
        elif column == "status":
            sources[column] = F("status")
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
    for member in MEMBERS:
        for part in MEMBER_COLUMNS:
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


def isoformat(moment):
    """An aware datetime as the exports write it: ISO 8601 on Ottawa's clock."""
    return None if moment is None else moment.astimezone(OTTAWA).isoformat()


def csv_cells(row):
    """The CSV_COLUMNS cells of a table row, ready for csv.writer (None is empty)."""
    cells = list(row[: AT["response_count"]])
    cells[_COUNTS_AT : _COUNTS_AT + 1] = cells[_COUNTS_AT] or _NO_COUNTS
    for name in DATETIMES:
        index = CSV_COLUMNS.index(name)
        cells[index] = isoformat(cells[index])
    return cells


def export_record_from_row(row):
    """The export record (the JSON export's object) a table row stands for."""
    cell = dict(zip(TABLE_COLUMNS, row, strict=True))
    record = {}
    for field in EXPORT_FIELDS:
        if field in NAME_COLUMNS:
            parts = {part: cell[f"{field}_{part}"] for part in NAME_COLUMNS[field]}
            record[field] = parts if parts[NAME_COLUMNS[field][0]] is not None else None
        elif field in MEMBERS:
            parts = {part: cell[f"{field}_{part}"] for part in MEMBER_COLUMNS}
            record[field] = parts if parts["first_name"] is not None else None
        elif field == "province_counts":
            counts = zip(PROVINCE_CODES, cell[field] or _NO_COUNTS, strict=True)
            # In code order, as the counts' model orders them.
            record[field] = {code: count for code, count in sorted(counts) if count is not None}
        elif field in ("keywords", "responses"):
            record[field] = json.loads(cell[field]) if cell[field] else []
        elif field in DATETIMES:
            record[field] = isoformat(cell[field])
        elif field == "status":
            record[field] = cell[field] or ""
        else:
            record[field] = cell[field]
    return record
