"""Keeping what a petition was: a signature snapshot when its counts change, and a
change with each field's value before and after when its public facts, texts or
responses change. Called by the import (petitions/services/imports.py) with the file's
name, and by the clerks' admin (petitions/admin.py), whose edits read as the Clerk's
office's.

A petition's facts are read as plain values (ids, dates, texts) so that a save compares
them without a query; only the fields that changed are put in words, in both languages,
as they read at the time of the change."""

from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from petitions.exports.fields import STORED_FIELDS
from petitions.models import (
    Keyword,
    Petition,
    PetitionChange,
    ProvinceSignatureCount,
    SignatureSnapshot,
    SignatureWindow,
)
from responses.models import GovernmentResponse

# The petition's own public facts, in the order a change lists them: the stored fields
# of the export record that are the petition's own columns (not the House's id or the
# record's source), and whether the petitioner's name is withdrawn.
_OWN_COLUMNS = {field.name for field in Petition._meta.concrete_fields}
PETITION_FIELDS = [
    name
    for name in STORED_FIELDS
    if name in _OWN_COLUMNS and name not in {"house_id", "source_url", "source_note"}
]
PETITION_FIELDS.insert(PETITION_FIELDS.index("petitioner_name") + 1, "is_petitioner_name_withdrawn")
OTHER_FIELDS = ["keywords", "opens_at", "closes_at", "province_counts"]
RESPONSE_FIELDS = [
    "ministry",
    "signed_by",
    "tabled_on",
    "sessional_paper_number",
    "text_en",
    "text_fr",
]
FACT_ORDER = {name: index for index, name in enumerate(PETITION_FIELDS + OTHER_FIELDS)}
COUNT_FIELDS = ("signature_count", "province_counts")


def response_key(position, name):
    return f"responses.{position}.{name}"


def petition_facts(petition, window, counts, responses, keyword_ids):
    """{key: plain value} of what the public reads of a petition, from its objects as a
    save has them in hand."""
    facts = {
        name: getattr(petition, Petition._meta.get_field(name).attname) for name in PETITION_FIELDS
    }
    facts["keywords"] = tuple(sorted(keyword_ids))
    facts["opens_at"] = window.opens_at if window else None
    facts["closes_at"] = window.closes_at if window else None
    facts["province_counts"] = {p: c for p, c in sorted(counts.items())}
    for response in responses:
        for name in RESPONSE_FIELDS:
            attname = GovernmentResponse._meta.get_field(name).attname
            facts[response_key(response.position, name)] = getattr(response, attname)
    return facts


def petition_facts_read(pk):
    """petition_facts() of the petition stored under `pk`: five small reads."""
    petition = Petition.objects.get(pk=pk)
    window = SignatureWindow.objects.filter(petition_id=pk).first()
    counts = dict(
        ProvinceSignatureCount.objects.filter(petition_id=pk).values_list(
            "province", "signature_count"
        )
    )
    responses = list(GovernmentResponse.objects.filter(petition_id=pk))
    keyword_ids = list(petition.keywords.values_list("pk", flat=True))
    return petition_facts(petition, window, counts, responses, keyword_ids)


def _order(key):
    if key.startswith("responses."):
        _, position, name = key.split(".")
        return (1, int(position), RESPONSE_FIELDS.index(name))
    return (0, FACT_ORDER[key], 0)


def _field(key):
    if key.startswith("responses."):
        return GovernmentResponse._meta.get_field(key.split(".")[2])
    if key in PETITION_FIELDS:
        return Petition._meta.get_field(key)
    return None


def _shown(obj):
    for name in ("title", "name"):
        if hasattr(obj, name):
            return str(getattr(obj, name))
    return str(obj)


def _in_both_languages(words):
    """words() in English and in French: one text where both read the same."""
    readings = {}
    for language in ("en", "fr"):
        with translation.override(language):
            readings[language] = words()
    return readings["en"] if readings["en"] == readings["fr"] else readings


def describe(key, value):
    """The value of fact `key` as a change keeps it: text, a number, None, or
    {"en": ..., "fr": ...} where the languages word it otherwise."""
    if value is None or value == "" or value == () or value == {}:
        return None
    field = _field(key)
    if key == "keywords":
        keywords = list(Keyword.objects.filter(pk__in=value).order_by("name_en"))
        return _in_both_languages(lambda: ", ".join(_shown(k) for k in keywords))
    if key == "province_counts":
        return ", ".join(f"{province} {count}" for province, count in value.items())
    if key in ("opens_at", "closes_at"):
        return _in_both_languages(lambda: date_format(localtime(value), "DATETIME_FORMAT"))
    if field is None:
        return value
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return None if obj is None else _in_both_languages(lambda: _shown(obj))
    if field.choices:
        labels = dict(field.flatchoices)
        return _in_both_languages(lambda: str(labels.get(value, value)))
    if isinstance(value, bool):
        return _in_both_languages(lambda: _("yes") if value else _("no"))
    if hasattr(value, "isoformat"):
        return _in_both_languages(lambda: date_format(value))
    return value


def changed_keys(before, after):
    keys = before.keys() | after.keys()
    return sorted((k for k in keys if before.get(k) != after.get(k)), key=_order)


@transaction.atomic
def petition_history_record(*, petition, before, after, changed_at, counted_at=None, source=""):
    """Keep what a save of `petition` changed, from its facts `before` (None: it was
    added) and `after` (petition_facts): a change listing each field with its value
    before and after, and a signature snapshot dated `counted_at` (by default when it
    changed) when its counts changed. `source`: the imported file's name; empty for
    the Clerk's office. Returns the change, or None when nothing public changed."""
    keys = changed_keys(before or {}, after)
    if before is not None and not keys:
        return None
    fields = (
        []
        if before is None
        else [
            {"field": k, "before": describe(k, before.get(k)), "after": describe(k, after.get(k))}
            for k in keys
        ]
    )
    change = PetitionChange.objects.create(
        petition=petition, changed_at=changed_at, fields=fields, imported_from=source
    )
    counts_known = after["signature_count"] is not None or after["province_counts"]
    if counts_known and any(name in keys for name in COUNT_FIELDS):
        # One statement: a later count of the same moment (a file dated as an earlier
        # one) replaces it.
        SignatureSnapshot.objects.bulk_create(
            [
                SignatureSnapshot(
                    petition=petition,
                    taken_at=counted_at or changed_at,
                    signature_count=after["signature_count"],
                    province_counts=after["province_counts"],
                    imported_from=source,
                )
            ],
            update_conflicts=True,
            unique_fields=["petition", "taken_at"],
            update_fields=["signature_count", "province_counts", "imported_from"],
        )
    return change
