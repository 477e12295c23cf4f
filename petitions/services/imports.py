"""Loading petitions from files: one record (`petition_upsert`), one file
(`petition_import`).

Every row is checked by the models' own rules (`full_clean()`), so an import cannot
store what the admin would refuse, and every change is a django-reversion revision
whose comment names the file.
"""

from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from petitions.house.codecs import JsonFileError
from petitions.house.records import RecordError
from petitions.house.xml import XmlFileError
from petitions.models import (
    Kind,
    Petition,
    ProvinceSignatureCount,
    SignatureWindow,
    province_count_errors,
)
from petitions.services.lookups import Lookups, RecordInvalid, validation_errors
from responses.models import GovernmentResponse

# Fields a record sets on the petition as they are.
PLAIN_FIELDS = [
    "kind",
    "house_id",
    "petitioner_name",
    "petitioner_city",
    "petitioner_province",
    "original_language",
    "addressee_kind",
    "whereas_en",
    "whereas_fr",
    "prayer_en",
    "prayer_fr",
    "sponsor_riding",
    "sponsor_province",
    "presenter_riding",
    "presentation_number",
    "presented_on",
    "outcome",
    "outcome_on",
    "signature_count",
    "source_url",
    "source_note",
]
RESPONSE_VALUES = [
    "ministry_id",
    "signed_by",
    "tabled_on",
    "sessional_paper_number",
    "text_en",
    "text_fr",
]
# What the snapshot of a petition leaves out: bookkeeping, not facts.
NOT_COMPARED = {"id", "created_at", "updated_at", "search_vector"}


@dataclass
class Rejection:
    position: str
    number: str
    field: str
    message: str

    def __str__(self):
        number = f" ({self.number})" if self.number else ""
        return f"{self.position}{number}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)
    unknown: dict = field(default_factory=dict)
    error: str = ""
    written: bool = False

    @property
    def records(self):
        return (
            self.created
            + self.updated
            + self.unchanged
            + len({rejection.position for rejection in self.rejected})
        )


# One petition ---------------------------------------------------------------------------


def _snapshot(petition, window, counts, responses, keyword_ids):
    fields = {
        f.attname: getattr(petition, f.attname)
        for f in Petition._meta.concrete_fields
        if f.name not in NOT_COMPARED
    }
    return (
        fields,
        (window.opens_at, window.closes_at) if window else None,
        dict(sorted(counts.items())),
        sorted((r.position, *(getattr(r, name) for name in RESPONSE_VALUES)) for r in responses),
        sorted(keyword_ids),
    )


def petition_upsert(*, record, lookups=None, comment=""):
    """Create or update the petition a record describes, with its window, counts by
    province, responses and keywords. Returns "created", "updated" or "unchanged";
    raises RecordInvalid naming each field the models refuse."""
    lookups = lookups or Lookups()
    with transaction.atomic():
        petition = (
            Petition.objects.select_related("window", "session")
            .filter(number=record["number"])
            .first()
        )
        created = petition is None
        if created:
            petition = Petition(number=record["number"])
            window, counts, responses, keyword_ids = None, {}, [], []
        else:
            window = getattr(petition, "window", None) if hasattr(petition, "window") else None
            counts = dict(petition.province_counts.values_list("province", "signature_count"))
            responses = list(petition.responses.all())
            keyword_ids = list(petition.keywords.values_list("pk", flat=True))
        before = None if created else _snapshot(petition, window, counts, responses, keyword_ids)

        try:
            _apply(record, petition, lookups)
        except RecordError as error:
            raise RecordInvalid([(error.field, error.message)]) from None
        new_window = window
        if "opens_at" in record:
            new_window = _window(record, petition, window)
        new_counts = record.get("province_counts", counts)
        new_responses = _responses(record, petition, responses, lookups)
        new_keyword_ids = keyword_ids
        if "keywords" in record:
            new_keyword_ids = list(
                dict.fromkeys(lookups.keyword(names).pk for names in record["keywords"])
            )
        after = _snapshot(petition, new_window, new_counts, new_responses, new_keyword_ids)
        if after == before:
            return "unchanged"

        _validate(petition, new_window, new_counts, new_responses)
        _write(
            petition,
            created=created,
            window=(window, new_window),
            counts=(counts, new_counts),
            responses=(responses, new_responses),
            keyword_ids=None if new_keyword_ids == keyword_ids and not created else new_keyword_ids,
            comment=comment,
        )
        return "created" if created else "updated"


def _apply(record, petition, lookups):
    for name in PLAIN_FIELDS:
        if name in record:
            setattr(petition, name, record[name])
    if petition.kind == Kind.PAPER and not petition.presentation_number:
        # A paper petition's number is its presentation number.
        petition.presentation_number = petition.number
    session_given = any(
        key in record for key in ("parliament", "session", "presentation_number", "opens_at")
    )
    if session_given or petition.session_id is None:
        current = petition.session if petition.session_id else None
        petition.session = lookups.session(record, current)
    if "topic" in record:
        petition.topic = lookups.topic(record["topic"])
    if "ministry" in record:
        petition.ministry = lookups.ministry(record["ministry"])
    if "sponsor_caucus" in record:
        petition.sponsor_caucus = lookups.caucus(record["sponsor_caucus"])
    if "sponsor" in record:
        petition.sponsor = lookups.member(
            record["sponsor"],
            riding=petition.sponsor_riding,
            province=petition.sponsor_province,
            caucus=petition.sponsor_caucus,
        )
    if "presenter" in record:
        petition.presenter = lookups.member(
            record["presenter"], riding=petition.presenter_riding, field_name="presenter"
        )
    if "addressee_member" in record:
        petition.addressee_member = lookups.member(
            record["addressee_member"], field_name="addressee_member"
        )


def _window(record, petition, window):
    if record["opens_at"] is None:
        return None
    new = _existing(SignatureWindow(pk=window.pk if window else None, petition=petition))
    new.opens_at, new.closes_at = record["opens_at"], record["closes_at"]
    return new


def _existing(row):
    """A fresh instance standing for a saved row (when it has a pk): validated and
    saved as an update, not as a new row."""
    if row.pk is not None:
        row._state.adding = False
        row._state.db = "default"
    return row


def _responses(record, petition, responses, lookups):
    if "responses" not in record:
        return responses
    by_position = {response.position: response for response in responses}
    kept = dict(by_position) if record.get("responses_partial") else {}
    for index, item in enumerate(record["responses"]):
        field_name = f"responses[{index + 1}]"
        old = by_position.get(item["position"])
        new = _existing(
            GovernmentResponse(
                pk=old.pk if old else None, petition=petition, position=item["position"]
            )
        )
        for name in RESPONSE_VALUES:
            setattr(new, name, getattr(old, name) if old else getattr(new, name))
        for name in ("signed_by", "tabled_on", "sessional_paper_number", "text_en", "text_fr"):
            if name in item:
                setattr(new, name, item[name])
        if "ministry" in item:
            ministry = lookups.ministry(item["ministry"], f"{field_name}.ministry")
            new.ministry_id = ministry.pk if ministry else None
        kept[item["position"]] = new
    return [kept[position] for position in sorted(kept)]


# Rows the lookups found or made, so full_clean need not look each one up again.
RESOLVED = [
    "session",
    "topic",
    "ministry",
    "addressee_member",
    "sponsor",
    "sponsor_caucus",
    "presenter",
]


def _validate(petition, window, counts, responses):
    errors = []
    # The petition's and the window's check constraints restate rules their clean()
    # applies (number formats, a window that closes after it opens) and the readers
    # guarantee (counts not negative); the database enforces them all again. Checking
    # them here would cost a query each, a record. The number was looked up already.
    try:
        petition.full_clean(exclude=RESOLVED, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors += validation_errors(error)
    if petition.presentation_number:
        other = (
            Petition.objects.filter(presentation_number=petition.presentation_number)
            .exclude(pk=petition.pk)
            .values_list("number", flat=True)
            .first()
        )
        if other:
            errors.append(
                (
                    "presentation_number",
                    f"{petition.presentation_number} is already the presentation number of "
                    f"{other}.",
                )
            )
    if window is not None:
        try:
            window.full_clean(exclude=["petition"], validate_constraints=False)
        except ValidationError as error:
            errors += validation_errors(error, "window.")
    for province, count in counts.items():
        try:
            # One per province and not negative: the record's own shape and its reader.
            ProvinceSignatureCount(province=province, signature_count=count).full_clean(
                exclude=["petition"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors += validation_errors(error, f"province_counts.{province}.")
    errors += [
        ("province_counts", str(message))
        for message in province_count_errors(
            counts=counts, total=petition.signature_count, kind=petition.kind
        )
    ]
    for response in responses:
        try:
            response.full_clean(exclude=["petition", "ministry"])
        except ValidationError as error:
            errors += validation_errors(error, f"responses[{response.position}].")
    if errors:
        raise RecordInvalid(errors)


def _write(petition, *, created, window, counts, responses, keyword_ids, comment):
    old_window, new_window = window
    old_counts, new_counts = counts
    old_responses, new_responses = responses
    with reversion.create_revision(atomic=False):
        reversion.set_comment(comment)
        with connection.cursor() as cursor:
            # "A response is not tabled before presentation" is checked by triggers; let
            # them see the petition and its responses together.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        petition.save()
        if new_window is None and old_window is not None:
            old_window.delete()
        elif new_window is not None:
            new_window.petition = petition
            new_window.save()
        changed = {p: c for p, c in new_counts.items() if old_counts.get(p) != c}
        replaced = (set(old_counts) - set(new_counts)) | (set(changed) & set(old_counts))
        if replaced:
            petition.province_counts.filter(province__in=replaced).delete()
        ProvinceSignatureCount.objects.bulk_create(
            ProvinceSignatureCount(petition=petition, province=p, signature_count=c)
            for p, c in changed.items()
        )
        positions = {response.position for response in new_responses}
        for response in old_responses:
            if response.position not in positions:
                response.delete()
        for response in new_responses:
            response.petition = petition
            response.save()
        if keyword_ids is not None:
            petition.keywords.set(keyword_ids)
        # The revision reads the window through the petition: not the one loaded before.
        petition._state.fields_cache.pop("window", None)
        with connection.cursor() as cursor:
            try:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            except IntegrityError as error:
                message = str(error).splitlines()[0]
                raise RecordInvalid([("responses.tabled_on", message)]) from None


# One file -------------------------------------------------------------------------------


def petition_import(*, records, source, skip_invalid=False, dry_run=False, unknown=None, tick=None):
    """Load the (position, record) pairs of one file, all or nothing: one rejected
    record and nothing of the file is written, unless `skip_invalid`. `dry_run` checks
    everything and writes nothing. Returns an ImportReport naming every rejected record
    by its position and field. `records` may raise XmlFileError/JsonFileError for a file
    that cannot be read at all; `tick` is called once per record, for progress."""
    report = ImportReport(source=source)
    comment = f"Imported from {source}"
    seen = {}
    with transaction.atomic():
        lookups = Lookups()
        try:
            for position, record in records:
                if tick:
                    tick()
                if isinstance(record, RecordError):
                    report.rejected.append(Rejection(position, "", record.field, record.message))
                    continue
                number = record["number"]
                if number in seen:
                    report.rejected.append(
                        Rejection(
                            position,
                            number,
                            "number",
                            f"{number} is in the file twice (first at {seen[number]})",
                        )
                    )
                    continue
                seen[number] = position
                try:
                    # A savepoint of its own: a rejected record takes its rows with it.
                    result = petition_upsert(record=record, lookups=lookups, comment=comment)
                except RecordInvalid as error:
                    lookups.forget()
                    for name, message in error.errors:
                        report.rejected.append(Rejection(position, number, name, str(message)))
                    continue
                except IntegrityError as error:
                    lookups.forget()
                    message = str(error).splitlines()[0]
                    report.rejected.append(Rejection(position, number, "record", message))
                    continue
                lookups.keep()
                setattr(report, result, getattr(report, result) + 1)
        except (XmlFileError, JsonFileError) as error:
            report.error = str(error)
        finally:
            if unknown is not None:
                report.unknown = dict(unknown)
        failed = report.error or (report.rejected and not skip_invalid)
        if failed or dry_run:
            transaction.set_rollback(True)
        else:
            report.written = True
    return report
