"""A petition's history as its pages, its CSV and the API show it: the signature counts
over time (a table and a small chart) and the changes to its public record, newest
first, texts as a word diff. Read from what petitions/services/history.py keeps.

A withdrawn petitioner's name is shown nowhere: a change to it is listed without its
values."""

import contextlib
import difflib
import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from petitions.charts import signature_line
from petitions.exports.fields import PROVINCE_CODES
from petitions.exports.table import ottawa_time, spreadsheet_safe
from petitions.models import Petition, in_language
from responses.models import GovernmentResponse

# Texts shown as a word diff rather than as before and after.
TEXT_FIELDS = {"whereas_en", "whereas_fr", "prayer_en", "prayer_fr", "text_en", "text_fr"}
WITHDRAWN = "petitioner_name"
CHANGES_PAGE_SIZE = 50


def signature_history(petition):
    """The petition's counts as the imports and edits found them, oldest first, with
    the chart's geometry; None when it has none."""
    snapshots = list(
        petition.signature_snapshots.order_by("taken_at").values(
            "taken_at", "signature_count", "province_counts", "imported_from"
        )
    )
    if not snapshots:
        return None
    return {
        "snapshots": snapshots,
        "newest_first": snapshots[::-1],
        "first": snapshots[0]["taken_at"],
        "last": snapshots[-1]["taken_at"],
        "chart": signature_line([(s["taken_at"], s["signature_count"]) for s in snapshots]),
    }


def signature_rows(petition):
    """The CSV's rows: a header, then a row per snapshot, oldest first: when (on
    Ottawa's clock, as the exports write times), the total, each province's count
    (empty where unknown) and the source."""
    yield ["taken_at", "signature_count", *(f"signatures_{code}" for code in PROVINCE_CODES)] + [
        "source"
    ]
    snapshots = petition.signature_snapshots.order_by("taken_at")
    for snapshot in snapshots.iterator():
        counts = snapshot.province_counts or {}
        source = snapshot.imported_from or "Clerk's office"
        yield [
            ottawa_time(snapshot.taken_at).isoformat(),
            snapshot.signature_count,
            *(counts.get(code) for code in PROVINCE_CODES),
            spreadsheet_safe(source),
        ]


def change_label(key):
    """A changed field's name in the page's language."""
    if key.startswith("responses."):
        _responses, position, name = key.split(".")
        with contextlib.suppress(FieldDoesNotExist):  # a field kept, since removed
            name = GovernmentResponse._meta.get_field(name).verbose_name
        return _("Response %(position)s: %(field)s") % {"position": position, "field": name}
    labels = {
        "keywords": _("Keywords"),
        "opens_at": _("Opens for signature"),
        "closes_at": _("Closes for signature"),
        "province_counts": _("Signatures by province"),
        "is_petitioner_name_withdrawn": _("Petitioner's name withdrawn from public view"),
    }
    if key in labels:
        return labels[key]
    try:
        return capfirst(Petition._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:  # a field kept by a change, since removed
        return key


def public_fields(change, petition):
    """The fields of a change as the public may read them: a withdrawn name's values
    left out."""
    withdrawn = petition.is_petitioner_name_withdrawn
    return [
        {**item, "before": None, "after": None, "withdrawn": True}
        if withdrawn and item["field"] == WITHDRAWN
        else item
        for item in change.fields
    ]


def in_page_language(value):
    """A kept value in the page's language: a name kept in both languages as
    {"en": ..., "fr": ...}, else the value itself."""
    if isinstance(value, dict):
        return in_language(value.get("en"), value.get("fr"))
    return value


def word_diff(before, after):
    """`before` changed into `after`, word by word: what went in <del>, what came in
    <ins>, the rest as it was; escaped."""
    old, new = re.split(r"(\s+)", before or ""), re.split(r"(\s+)", after or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))


def shown_change(change, petition):
    """A change as its page lists it: each field's label, its values in the page's
    language, and a texts' word diff."""
    rows = []
    for item in public_fields(change, petition):
        key = item["field"]
        before, after = in_page_language(item["before"]), in_page_language(item["after"])
        row = {"label": change_label(key), "before": before, "after": after}
        row["withdrawn"] = item.get("withdrawn", False)
        if key.split(".")[-1] in TEXT_FIELDS and before and after:
            row["diff"] = word_diff(str(before), str(after))
        rows.append(row)
    return {
        "changed_at": change.changed_at,
        "source": change.imported_from,
        "rows": rows,
        "added": not change.fields,
    }


def api_change(change, petition):
    """A change as the API gives it: values as kept (text, a number, null, or their
    words in English and French), labels in the language asked."""
    return {
        "changed_at": change.changed_at,
        "source": change.imported_from or "Clerk's office",
        "fields": [
            {
                **item,
                "label": change_label(item["field"]),
                "withdrawn": item.get("withdrawn", False),
            }
            for item in public_fields(change, petition)
        ],
    }
