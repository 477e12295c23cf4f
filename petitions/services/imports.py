"""Loading petitions from files: one record (`petition_upsert`), one file
(`petition_import`).

Every row is checked by the models' own rules (`full_clean()`), so an import cannot
store what the admin would refuse, and every change is a django-reversion revision
whose comment names the file. What changed in public is kept too, under the file's name
(petitions/services/history.py): the fields before and after, and the counts.
"""

import copy
import datetime
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from petitions.exports.codecs import JsonFileError
from petitions.exports.fields import STORED_FIELDS
from petitions.house.records import RecordError, fold
from petitions.house.xml import XmlFileError
from petitions.models import (
    EARLIEST_DAY,
    EARLIEST_MOMENT,
    LATEST_DAY,
    LATEST_MOMENT,
    Kind,
    Petition,
    ProvinceSignatureCount,
    SignatureWindow,
    day_errors,
    province_count_errors,
)
from petitions.services.history import petition_facts, petition_history_record
from petitions.services.lookups import Lookups, RecordInvalid, validation_errors
from responses.models import GovernmentResponse

# Fields a record sets on the petition as they are: the record's fields stored in a
# column of the petition's own (the number is how it was found).
_COLUMNS = {field.name for field in Petition._meta.concrete_fields if not field.is_relation}
PLAIN_FIELDS = [name for name in STORED_FIELDS if name in _COLUMNS and name != "number"]
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
    # Facts a record loaded without (a heading naming no addressee the reader knows).
    warnings: list = field(default_factory=list)
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


def petition_upsert(*, record, lookups=None, comment="", source="", at=None):
    """Create or update the petition a record describes, with its window, counts by
    province, responses and keywords. Returns "created", "updated" or "unchanged";
    raises RecordInvalid naming each field the models refuse. What changed is kept in
    the petition's history under `source` (the file's name) at `at` (now by default);
    its counts are dated by the record's own date where it gives one."""
    lookups = lookups or Lookups()
    at = at or timezone.now()
    with transaction.atomic():
        petition = (
            Petition.objects.select_related("window", "session")
            .filter(number=record["number"])
            .first()
        )
        created = petition is None
        if created:
            petition = Petition(number=record["number"])
            window, counts, responses, keywords, keyword_ids = None, {}, [], [], []
        else:
            window = getattr(petition, "window", None) if hasattr(petition, "window") else None
            counts = dict(petition.province_counts.values_list("province", "signature_count"))
            responses = list(petition.responses.all())
            keywords = list(petition.keywords.values_list("pk", "name_en", "name_fr"))
            keyword_ids = [pk for pk, _, _ in keywords]
        before = None if created else _snapshot(petition, window, counts, responses, keyword_ids)
        facts_before = (
            None if created else petition_facts(petition, window, counts, responses, keyword_ids)
        )

        if errors := _implausible_days(record):
            raise RecordInvalid(errors)
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
            new_keyword_ids = _keyword_ids(record, keywords, lookups)
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
        petition_history_record(
            petition=petition,
            before=facts_before,
            after=petition_facts(petition, new_window, new_counts, new_responses, new_keyword_ids),
            changed_at=at,
            counted_at=_counted_at(record, at),
            source=source,
        )
        return "created" if created else "updated"


def _counted_at(record, at):
    """When the record's counts were taken: the moment it says its status was reached,
    where that is not ahead of the import; else None (the import's time)."""
    counted = record.get("counted_at")
    if isinstance(counted, datetime.datetime) and counted <= at:
        return counted
    return None


def _implausible_days(record):
    """[(field, message)] for the dates of a record the House could not have given:
    before Confederation, after today for what has happened (a presentation, a decision,
    a response, a session's opening), or past the archive's range for a window, which
    may close ahead. Checked before the session is looked up by them."""
    days = {
        name: record.get(name)
        for name in ("presented_on", "outcome_on", "session_started_on", "session_ended_on")
    }
    for index, response in enumerate(record.get("responses") or []):
        days[f"responses[{index + 1}].tabled_on"] = response.get("tabled_on")
    errors = [(name, str(message)) for name, message in day_errors(**days).items()]
    for name in ("opens_at", "closes_at"):
        moment = record.get(name)
        if moment is not None and not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
            errors.append(
                (
                    f"window.{name}",
                    _("Enter a date between %(first)s and %(last)s.")
                    % {"first": date_format(EARLIEST_DAY), "last": date_format(LATEST_DAY)},
                )
            )
    return errors


def _keyword_ids(record, keywords, lookups):
    """The keywords a record gives. A House record in one language replaces the
    petition's keywords named in that language and keeps those of the other language
    alone; one keyword it names that no row has, beside one of the other language alone,
    is taken for its translation (the House pairs no terms)."""
    language = record.get("language")
    if language is None:  # this project's export names each keyword in both languages
        return list(dict.fromkeys(lookups.keyword(names).pk for names in record["keywords"]))
    others = [pk for pk, en, fr in keywords if not _named_in(language, en, fr)]
    unknown = [names for names in record["keywords"] if lookups.find_keyword(names) is None]
    partner = others[0] if len(others) == 1 and len(unknown) == 1 else None
    ids = [
        lookups.keyword(names, partner=partner if names in unknown else None).pk
        for names in record["keywords"]
    ]
    return list(dict.fromkeys(ids + [pk for pk in others if pk != partner]))


def _named_in(language, english, french):
    """Whether a row with these names has its name in `language`: one made from a French
    name alone carries it as its English name too, until the English record comes."""
    if language == "fr":
        return bool(french)
    return not french or fold(english) != fold(french)


# What the French and English records of a petition both give, in their own words: the
# English record's words are kept, whichever comes first.
ENGLISH_WORDS = ("petitioner_city", "sponsor_riding", "presenter_riding")


def _apply(record, petition, lookups):
    french = record.get("language") == "fr" and petition.pk is not None
    for name in PLAIN_FIELDS:
        if name in record:
            if french and name in ENGLISH_WORDS and getattr(petition, name):
                continue
            if name == "petitioner_name" and _name_left_out(record, petition):
                continue
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
        petition.topic = lookups.topic(record["topic"], partner=petition.topic_id)
    if "ministry" in record:
        petition.ministry = lookups.ministry(record["ministry"], partner=petition.ministry_id)
    if "sponsor_caucus" in record:
        petition.sponsor_caucus = lookups.caucus(
            record["sponsor_caucus"], partner=petition.sponsor_caucus_id
        )
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


def _name_left_out(record, petition):
    """Whether a record's empty name is the withdrawn one left out of an export: the
    stored name is kept, not wiped by the archive's own file read back."""
    return petition.is_petitioner_name_withdrawn and not record["petitioner_name"]


def _window(record, petition, window):
    if record["opens_at"] is None:
        return None
    # A copy, so that the window as it was stays to compare with.
    new = copy.copy(window) if window else SignatureWindow(petition=petition)
    new.opens_at, new.closes_at = record["opens_at"], record["closes_at"]
    return new


def _responses(record, petition, responses, lookups):
    if "responses" not in record:
        return responses
    by_position = {response.position: response for response in responses}
    french = record.get("language") == "fr"
    kept = dict(by_position) if record.get("responses_partial") else {}
    for index, item in enumerate(record["responses"]):
        field_name = f"responses[{index + 1}]"
        old = by_position.get(item["position"])
        new = (
            copy.copy(old)
            if old
            else GovernmentResponse(petition=petition, position=item["position"])
        )
        for name in ("signed_by", "tabled_on", "sessional_paper_number", "text_en", "text_fr"):
            if name in item:
                if name == "signed_by" and french and old and old.signed_by:
                    continue  # "Pam Damoff, députée": the English record's words are kept
                setattr(new, name, item[name])
        if "ministry" in item:
            ministry = lookups.ministry(
                item["ministry"], f"{field_name}.ministry", partner=old.ministry_id if old else None
            )
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
        if new_window is not None:
            petition.window = new_window
        elif old_window is not None:
            petition.refresh_from_db()  # forgets the window just deleted
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
    at = timezone.now()
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
                    result = petition_upsert(
                        record=record, lookups=lookups, comment=comment, source=source, at=at
                    )
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
                for name, message in record.get("warnings", ()):
                    report.warnings.append(Rejection(position, number, name, message))
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
