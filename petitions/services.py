"""Writes across the petition models: loading petitions from files.

`petition_import` loads the records one file yields (see petitions/house/) all or
nothing; `petition_upsert` writes one record. Every row is checked by the models' own
rules (`full_clean()`), so an import cannot store what the admin would refuse, and
every change is a django-reversion revision whose comment names the file.
"""

import datetime
import random
import time
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify

from petitions.house.codecs import JsonFileError
from petitions.house.dates import OTTAWA
from petitions.house.records import RecordError, fold
from petitions.house.xml import XmlFileError
from petitions.models import (
    PRESENTATION_NUMBER,
    Caucus,
    Keyword,
    Kind,
    Member,
    Ministry,
    ParliamentarySession,
    Petition,
    ProvinceSignatureCount,
    SignatureWindow,
    Topic,
)
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
NOT_COMPARED = {"id", "created_at", "updated_at", "version", "search_vector"}


class RecordInvalid(Exception):
    """One record breaks the models' rules: [(field, message), ...]."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


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


def _errors(error, prefix=""):
    """[(field, message)] from a ValidationError, fields named as the models name them."""
    if hasattr(error, "error_dict"):
        return [
            (f"{prefix}{name}" if name != "__all__" else prefix.rstrip(".") or "record", message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [(prefix.rstrip(".") or "record", message) for message in error.messages]


class Lookups:
    """Finds the rows a file's records refer to by name, and makes the missing ones,
    once per file. Rows made for a record that is then rejected are forgotten with it."""

    def __init__(self):
        self.made = []
        self.sessions = list(ParliamentarySession.objects.all())
        self.caucuses = {}
        for caucus in Caucus.objects.all():
            self._index_caucus(caucus)
        self.topics = self._index(Topic.objects.all(), "name_en", "name_fr")
        self.keywords = self._index(Keyword.objects.all(), "name_en", "name_fr")
        self.ministries = self._index(Ministry.objects.all(), "title_en", "title_fr")
        self.members_by_id = {}
        self.members_by_name = {}
        for member in Member.objects.all():
            self._index_member(member)
        self.made = []  # rows made for the record being written

    # Bookkeeping for rejected records.

    def keep(self):
        self.made = []

    def forget(self):
        for index, key, row in self.made:
            if index is self.sessions:
                self.sessions.remove(row)
            elif isinstance(index, dict) and index.get(key) is row:
                del index[key]
            elif isinstance(index, dict) and isinstance(index.get(key), list):
                index[key].remove(row)
        self.made = []

    def _remember(self, index, key, row):
        self.made.append((index, key, row))

    @staticmethod
    def _index(rows, en, fr):
        index = {"en": {}, "fr": {}}
        for row in rows:
            index["en"].setdefault(fold(getattr(row, en)), row)
            if getattr(row, fr):
                index["fr"].setdefault(fold(getattr(row, fr)), row)
        return index

    # Names of things.

    def _named(self, index, names, model, en, fr, field_name):
        """The row one of `names` ({"en", "fr"}) names, made when none does."""
        if not names:
            return None
        english, french = (names.get("en") or "").strip(), (names.get("fr") or "").strip()
        for language, name in (("en", english), ("fr", french)):
            if not name:
                continue
            other = "fr" if language == "en" else "en"
            row = index[language].get(fold(name)) or index[other].get(fold(name))
            if row is not None:
                return row
        # A name known only in French stands in for the English one until a clerk adds it.
        name_en = english or french
        row = model(**{en: name_en, fr: french})
        row.slug = _unique_slug(model, name_en)
        try:
            row.full_clean()
        except ValidationError as error:
            raise RecordInvalid(_errors(error, f"{field_name}.")) from None
        row.save()
        for language, name in (("en", name_en), ("fr", french)):
            if name and fold(name) not in index[language]:
                index[language][fold(name)] = row
                self._remember(index[language], fold(name), row)
        return row

    def topic(self, names):
        return self._named(self.topics, names, Topic, "name_en", "name_fr", "topic")

    def keyword(self, names):
        return self._named(self.keywords, names, Keyword, "name_en", "name_fr", "keywords")

    def ministry(self, names, field_name="ministry"):
        return self._named(self.ministries, names, Ministry, "title_en", "title_fr", field_name)

    def _index_caucus(self, caucus):
        names = [caucus.short_name, caucus.name_en, caucus.name_fr, *(caucus.aliases or [])]
        for name in names:
            if name and fold(name) not in self.caucuses:
                self.caucuses[fold(name)] = caucus
                self._remember(self.caucuses, fold(name), caucus)

    def caucus(self, names):
        """A caucus by any of its spellings ("Conservative Caucus", "CPC", "Caucus
        conservateur"), case and accents aside."""
        if not names:
            return None
        given = [names.get(key, "").strip() for key in ("short", "en", "fr")]
        for name in given:
            if name and fold(name) in self.caucuses:
                return self.caucuses[fold(name)]
        short, english, french = given
        name = english or short or french
        caucus = Caucus(
            short_name=short or name,
            name_en=name,
            name_fr=french or name,
            aliases=list(dict.fromkeys(n for n in given if n)),
        )
        caucus.slug = _unique_slug(Caucus, caucus.short_name)
        try:
            caucus.full_clean()
        except ValidationError as error:
            raise RecordInvalid(_errors(error, "sponsor_caucus.")) from None
        caucus.save()
        self._index_caucus(caucus)
        return caucus

    # Members.

    def _index_member(self, member):
        if member.house_person_id:
            self.members_by_id[member.house_person_id] = member
        key = (fold(member.first_name), fold(member.last_name))
        self.members_by_name.setdefault(key, []).append(member)
        return key

    def member(self, ref, *, riding="", province="", caucus=None, field_name="sponsor"):
        """A Member by House PersonId, else by name (the same riding first when two
        Members share a name); made from what the petition says when unknown."""
        if not ref:
            return None
        person_id = ref.get("house_person_id")
        if person_id and person_id in self.members_by_id:
            return self.members_by_id[person_id]
        key = (fold(ref.get("first_name")), fold(ref.get("last_name")))
        namesakes = self.members_by_name.get(key, [])
        if namesakes:
            same_riding = [m for m in namesakes if riding and fold(m.riding) == fold(riding)]
            return (same_riding or namesakes)[0]
        member = Member(
            first_name=ref.get("first_name", ""),
            last_name=ref.get("last_name", ""),
            house_person_id=person_id,
            riding=riding,
            province=province,
            caucus=caucus,
        )
        member.slug = _unique_slug(Member, f"{member.first_name} {member.last_name}")
        try:
            member.full_clean()
        except ValidationError as error:
            raise RecordInvalid(_errors(error, f"{field_name}.")) from None
        member.save()
        key = self._index_member(member)
        self._remember(self.members_by_name, key, member)
        if person_id:
            self._remember(self.members_by_id, person_id, member)
        return member

    # Sessions.

    def session(self, record, current):
        """The session a record names by numbers, by its presentation number, or by its
        dates; `current` when the record says nothing of it. A session row is made only
        when the record gives its numbers."""
        parliament, number = record.get("parliament"), record.get("session")
        presentation = record.get("presentation_number") or (
            record["number"] if record.get("kind") == Kind.PAPER else ""
        )
        match = PRESENTATION_NUMBER.match(presentation or "")
        if match and not (parliament and number):
            if parliament and parliament != int(match[1]):
                raise RecordInvalid(
                    [("parliament", f"{presentation} was presented in the {match[1]}th Parliament")]
                )
            parliament, number = int(match[1]), int(match[2])
        keeps_current = parliament is None or (current and current.parliament == parliament)
        if not (parliament and number) and current is not None and keeps_current:
            return current
        if parliament and number:
            for session in self.sessions:
                if (session.parliament, session.session) == (parliament, number):
                    return session
            return self._make_session(record, parliament, number)
        day = _first_day(record)
        if day is None:
            if current is not None:
                return current
            raise RecordInvalid([("session", "the file gives no session and no date to find it")])
        candidates = [s for s in self.sessions if not parliament or s.parliament == parliament]
        within = [s for s in candidates if s.started_on <= day <= (s.ended_on or day)]
        before = sorted((s for s in candidates if s.started_on <= day), key=lambda s: s.started_on)
        found = within[:1] or before[-1:]
        if not found:
            where = f"of the {parliament}th Parliament " if parliament else ""
            raise RecordInvalid([("session", f"no session {where}was sitting on {day}")])
        return found[0]

    def _make_session(self, record, parliament, number):
        started_on = record.get("session_started_on") or _first_day(record)
        if started_on is None:
            raise RecordInvalid(
                [("session", f"session {parliament}-{number} is unknown; the file gives no date")]
            )
        session = ParliamentarySession(
            parliament=parliament,
            session=number,
            started_on=started_on,
            ended_on=record.get("session_ended_on"),
        )
        try:
            session.full_clean()
        except ValidationError as error:
            raise RecordInvalid(_errors(error, "session.")) from None
        session.save()
        self.sessions.append(session)
        self._remember(self.sessions, None, session)
        return session


def _first_day(record):
    """The earliest date a record gives, on Ottawa's clock."""
    days = [record.get("presented_on"), record.get("outcome_on")]
    if record.get("opens_at"):
        days.append(record["opens_at"].astimezone(OTTAWA).date())
    days += [response.get("tabled_on") for response in record.get("responses") or []]
    days = [day for day in days if day]
    return min(days) if days else None


def _unique_slug(model, text):
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[: max_length - 8] or "item"
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


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


def _validate(petition, window, counts, responses):
    errors = []
    try:
        petition.full_clean()
    except ValidationError as error:
        errors += _errors(error)
    if window is not None:
        try:
            window.full_clean(exclude=["petition"])
        except ValidationError as error:
            errors += _errors(error, "window.")
    for province, count in counts.items():
        try:
            ProvinceSignatureCount(province=province, signature_count=count).full_clean(
                exclude=["petition"]
            )
        except ValidationError as error:
            errors += _errors(error, f"province_counts.{province}.")
    if counts and petition.kind == Kind.PAPER:
        errors.append(("province_counts", "A paper petition has no counts by province."))
    counted = sum(counts.values())
    if counts and petition.signature_count is not None and counted != petition.signature_count:
        errors.append(
            (
                "province_counts",
                f"The counts by province add up to {counted}, but the signature total "
                f"is {petition.signature_count}.",
            )
        )
    for response in responses:
        try:
            response.full_clean(exclude=["petition"])
        except ValidationError as error:
            errors += _errors(error, f"responses[{response.position}].")
    if errors:
        raise RecordInvalid(errors)


def _write(petition, *, created, window, counts, responses, keyword_ids, comment):
    old_window, new_window = window
    old_counts, new_counts = counts
    old_responses, new_responses = responses
    with reversion.create_revision():
        reversion.set_comment(comment)
        with connection.cursor() as cursor:
            # "A response is not tabled before presentation" is checked by triggers; let
            # them see the petition and its responses together.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if not created:
            petition.version += 1
        petition.save()
        if new_window is None and old_window is not None:
            old_window.delete()
        elif new_window is not None:
            new_window.petition = petition
            new_window.save()
        stale = set(old_counts) - set(new_counts)
        if stale:
            petition.province_counts.filter(province__in=stale).delete()
        for province, count in new_counts.items():
            if old_counts.get(province) != count:
                ProvinceSignatureCount.objects.update_or_create(
                    petition=petition, province=province, defaults={"signature_count": count}
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
                    with transaction.atomic():
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


# Demo data ------------------------------------------------------------------------------


@dataclass
class SeedReport:
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self):
        return sum(self.rows.values())


def _copy_columns(model, with_pk):
    """The columns COPY fills for `model` and each one's default, generated ones (and the
    id, unless `with_pk`) left out."""
    fields = [
        f for f in model._meta.concrete_fields if not f.generated and (with_pk or not f.primary_key)
    ]
    return (
        [f.column for f in fields],
        [f.attname for f in fields],
        [f.get_default() for f in fields],
    )


def _copy(cursor, model, rows):
    """COPY `rows` (dicts by attname) into `model`'s table; missing values get defaults."""
    if not rows:
        return 0
    columns, attnames, defaults = _copy_columns(model, with_pk="id" in rows[0])
    pairs = list(zip(attnames, defaults, strict=True))
    table = model._meta.db_table
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row.get(name, default) for name, default in pairs])
    return len(rows)


def demo_petitions_seed(*, count, seed=1, as_of=None, tick=None):
    """Fill the database with `count` synthetic petitions shaped like the House's, with
    their Members, windows, counts by province, responses and keywords, by COPY.

    Deterministic for a seed, a starting database and `as_of` (today by default).
    Numbers continue after those already taken. `tick(n)` is called as petitions are
    written. Returns a SeedReport with rows written per table."""
    from django.core.management import call_command
    from django.utils import timezone

    from petitions.house import synthetic

    started = time.monotonic()
    as_of = as_of or timezone.localdate()
    rng = random.Random(seed)
    report = SeedReport()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute(
                f"LOCK TABLE {Petition._meta.db_table}, {Member._meta.db_table} IN EXCLUSIVE MODE"
            )
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            # Row by row, foreign keys and the response trigger cost more than the rows
            # themselves; where the database lets us, they are checked once, set-based,
            # after the load (see _seed_verify).
            set_based = cursor.fetchone()[0]
            if set_based:
                cursor.execute("SET LOCAL session_replication_role = replica")
        if not ParliamentarySession.objects.exists():
            call_command("loaddata", "reference", verbosity=0)
        plan = _seed_plan(rng, count, as_of, synthetic)
        members = _seed_members(rng, plan, synthetic, report)
        keywords = _seed_keywords(synthetic)
        topics = list(Topic.objects.order_by("pk"))
        ministries = list(Ministry.objects.order_by("pk"))
        if not topics or not ministries:
            raise ValueError("seed_demo needs topics and ministries: load the reference data.")
        state = {
            "petition_id": (
                Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            ),
            "e_number": _max_e_number(),
            "created_at": datetime.datetime.combine(as_of, datetime.time(12), tzinfo=OTTAWA),
        }
        for session, size in plan:
            _seed_session(
                rng,
                session,
                size,
                as_of=as_of,
                members=members[session.pk],
                topics=topics,
                ministries=ministries,
                keywords=keywords,
                state=state,
                report=report,
                synthetic=synthetic,
                tick=tick,
            )
        if set_based:
            _seed_verify()
        with connection.cursor() as cursor:
            # Petitions were numbered here; the other tables numbered their own rows.
            table = Petition._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
    report.seconds = time.monotonic() - started
    return report


def _seed_verify():
    """What the skipped triggers check, for the whole tables at once: every foreign key
    points at a row, and no response is tabled before its petition was presented."""
    checks = []
    for model in (
        Petition,
        SignatureWindow,
        ProvinceSignatureCount,
        GovernmentResponse,
        Petition.keywords.through,
    ):
        for f in model._meta.concrete_fields:
            if f.is_relation:
                target = f.related_model._meta.db_table
                checks.append(
                    f"SELECT count(*) FROM {model._meta.db_table} t LEFT JOIN {target} r "
                    f"ON r.id = t.{f.column} WHERE t.{f.column} IS NOT NULL AND r.id IS NULL"
                )
    checks.append(
        f"SELECT count(*) FROM {GovernmentResponse._meta.db_table} r "
        f"JOIN {Petition._meta.db_table} p ON p.id = r.petition_id "
        "WHERE r.tabled_on < p.presented_on"
    )
    with connection.cursor() as cursor:
        for check in checks:
            cursor.execute(check)
            if cursor.fetchone()[0]:
                raise RuntimeError(f"Demo data broke a rule of the database: {check}")


def _max_e_number():
    numbers = Petition.objects.filter(kind=Kind.ELECTRONIC).values_list("number", flat=True)
    return max((int(number[2:]) for number in numbers.iterator()), default=0)


def _seed_plan(rng, count, as_of, synthetic):
    """[(session, petitions)], oldest first: petitions spread by the days each session
    sat, with earlier sessions added when recent ones cannot number them all."""
    sessions = [
        s for s in ParliamentarySession.objects.order_by("started_on") if s.started_on <= as_of
    ]
    earlier = list(synthetic.EARLIER_SESSIONS)
    while True:
        days = [((s.ended_on or as_of) - s.started_on).days + 1 for s in sessions]
        total_days = sum(days)
        sizes = [count * d // total_days for d in days]
        for index in range(count - sum(sizes)):
            sizes[index % len(sizes)] += 1
        # Every paper petition and most e-petitions take a presentation number.
        if all(
            size <= synthetic.MAX_SEQUENCE * 0.95 - _max_sequence(s)
            for s, size in zip(sessions, sizes, strict=True)
        ):
            break
        known = {(s.parliament, s.session) for s in ParliamentarySession.objects.all()}
        while earlier and (earlier[0][0], earlier[0][1]) in known:
            earlier.pop(0)
        if not earlier:
            raise ValueError(f"{count:,} petitions are more than the sessions can number.")
        parliament, number, start, end = earlier.pop(0)
        session = ParliamentarySession.objects.create(
            parliament=parliament, session=number, started_on=start, ended_on=end
        )
        sessions.insert(0, session)
        sessions.sort(key=lambda s: s.started_on)
    return list(zip(sessions, sizes, strict=True))


def _max_sequence(session):
    numbers = Petition.objects.filter(presentation_number__startswith=f"{session.code}-")
    last = (
        numbers.order_by("-presentation_number")
        .values_list("presentation_number", flat=True)
        .first()
    )
    return int(last[4:]) if last else 0


def _seed_members(rng, plan, synthetic, report):
    """A few hundred Members, each sitting in one to four consecutive sessions:
    {session pk: [Member, ...]}."""
    sessions = [session for session, _ in plan]
    caucuses = {c.short_name: c for c in Caucus.objects.all()}
    shares = [
        (caucuses[name], share)
        for name, share in synthetic.CAUCUS_SHARES.items()
        if name in caucuses
    ]
    caucus_edges = synthetic.cumulative([share for _, share in shares])
    caucus_list = [caucus for caucus, _ in shares]
    spans = []
    for _ in range(60 * len(sessions) + 40):
        first = rng.randrange(len(sessions))
        spans.append((first, min(first + rng.choice((1, 1, 2, 2, 3, 4)), len(sessions))))
    taken = set(Member.objects.values_list("slug", flat=True))
    names = synthetic.member_names(rng, len(spans), taken, slugify)
    members = []
    for (first_name, last_name, slug), _span in zip(names, spans, strict=True):
        province = synthetic.pick(rng, synthetic.POPULATION_CUMULATIVE, synthetic.PROVINCES)
        members.append(
            Member(
                first_name=first_name,
                last_name=last_name,
                slug=slug,
                riding=synthetic.riding_name(rng, province),
                province=province,
                caucus=synthetic.pick(rng, caucus_edges, caucus_list) if caucus_list else None,
            )
        )
    members = Member.objects.bulk_create(members, batch_size=1000)
    report.rows["members"] = len(members)
    by_session = {session.pk: [] for session in sessions}
    for member, (first, last) in zip(members, spans, strict=True):
        for session in sessions[first:last]:
            by_session[session.pk].append(member)
    return by_session


def _seed_keywords(synthetic):
    existing = {
        k.name_en: k
        for k in Keyword.objects.filter(name_en__in=[en for en, _ in synthetic.KEYWORD_NAMES])
    }
    missing = [
        Keyword(name_en=en, name_fr=fr, slug=_unique_slug(Keyword, en))
        for en, fr in synthetic.KEYWORD_NAMES
        if en not in existing
    ]
    Keyword.objects.bulk_create(missing)
    return list(existing.values()) + missing


def _seed_session(
    rng,
    session,
    size,
    *,
    as_of,
    members,
    topics,
    ministries,
    keywords,
    state,
    report,
    synthetic,
    tick,
):
    """Generate and COPY one session's petitions and their rows."""
    end = min(session.ended_on or as_of, as_of)
    span = (end - session.started_on).days + 1
    dissolved = session.ended_on is not None and session.ended_on < as_of
    e_share = 1 / 6 if end >= synthetic.E_PETITIONS_BEGAN else 0.0
    petitions = []
    for _ in range(size):
        day = session.started_on + datetime.timedelta(days=rng.randrange(span))
        electronic = day >= synthetic.E_PETITIONS_BEGAN and rng.random() < e_share
        petitions.append(
            _seed_petition(
                rng,
                day,
                electronic,
                session,
                end,
                dissolved,
                as_of,
                members,
                topics,
                ministries,
                keywords,
                synthetic,
            )
        )
    petitions.sort(key=lambda p: (p["_day"], p["_minutes"]))
    sequence = _max_sequence(session)
    presented = sorted((p for p in petitions if p["presented_on"]), key=lambda p: p["presented_on"])
    for petition in presented:
        sequence += 1
        petition["presentation_number"] = f"{session.code}-{sequence:05d}"
    windows, counts, responses, links = [], [], [], []
    for petition in petitions:
        state["petition_id"] += 1
        pk = petition["id"] = state["petition_id"]
        petition["created_at"] = petition["updated_at"] = state["created_at"]
        if petition["kind"] == Kind.ELECTRONIC:
            state["e_number"] += 1 + (rng.random() < 0.04)  # the House's numbers have gaps
            petition["number"] = f"e-{state['e_number']}"
            windows.append(
                {
                    "petition_id": pk,
                    "opens_at": petition["_opens_at"],
                    "closes_at": petition["_closes_at"],
                }
            )
            counts.extend(
                {"petition_id": pk, "province": code, "signature_count": n}
                for code, n in petition["_counts"].items()
            )
        else:
            petition["number"] = petition["presentation_number"]
        for response in petition["_responses"]:
            response["petition_id"] = pk
            responses.append(response)
        links.extend(
            {"petition_id": pk, "keyword_id": keyword.pk} for keyword in petition["_keywords"]
        )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        report.rows["petitions"] = report.rows.get("petitions", 0) + _copy(raw, Petition, petitions)
        for name, model, rows in (
            ("signature windows", SignatureWindow, windows),
            ("counts by province", ProvinceSignatureCount, counts),
            ("responses", GovernmentResponse, responses),
            ("keyword links", Petition.keywords.through, links),
        ):
            report.rows[name] = report.rows.get(name, 0) + _copy(raw, model, rows)
    if tick:
        tick(len(petitions))


def _seed_petition(
    rng,
    day,
    electronic,
    session,
    end,
    dissolved,
    as_of,
    members,
    topics,
    ministries,
    keywords,
    synthetic,
):
    topic = rng.choice(topics)
    sponsor = rng.choice(members)
    roll = rng.random()
    if roll < 0.5:
        kind_of_addressee = "government"
    elif roll < 0.8:
        kind_of_addressee = "house"
    elif roll < 0.95:
        kind_of_addressee = "minister"
    else:
        kind_of_addressee = "prime_minister"
    ministry = None
    if kind_of_addressee == "minister":
        ministry = rng.choice(ministries[1:] or ministries)
        addressee = (ministry.title_en, ministry.title_fr or ministry.title_en)
    else:
        addressee = synthetic.ADDRESSEES[kind_of_addressee]
        if kind_of_addressee == "prime_minister":
            ministry = ministries[0]
    roll = rng.random()
    language = "en" if roll < 0.74 else ("fr" if roll < 0.97 else "bilingual")
    variant = rng.getrandbits(24)
    whereas_en, whereas_fr, prayer_en, prayer_fr = synthetic.text_for(
        variant, topic.name_en, *addressee, count_whereas=2 + variant % 3
    )
    petition = {
        "kind": Kind.ELECTRONIC if electronic else Kind.PAPER,
        "session_id": session.pk,
        "topic_id": topic.pk,
        "original_language": language,
        "addressee_kind": kind_of_addressee,
        "ministry_id": ministry.pk if ministry else None,
        "whereas_en": whereas_en,
        "whereas_fr": whereas_fr,
        "prayer_en": prayer_en,
        "prayer_fr": prayer_fr,
        "sponsor_id": sponsor.pk,
        "sponsor_riding": sponsor.riding,
        "sponsor_caucus_id": sponsor.caucus_id,
        "sponsor_province": sponsor.province,
        "presentation_number": "",
        "presented_on": None,
        "outcome": "",
        "outcome_on": None,
        "_day": day,
        "_minutes": rng.randrange(8 * 60, 18 * 60),
        "_responses": [],
        "_keywords": [],
    }
    total = synthetic.signature_total(rng, petition["kind"])
    if electronic:
        petition["_keywords"] = rng.sample(keywords, rng.randint(0, 4))
        home = synthetic.pick(rng, synthetic.POPULATION_CUMULATIVE, synthetic.PROVINCES)
        petition["petitioner_name"] = (
            f"{rng.choice(synthetic.FIRST_NAMES)} {rng.choice(synthetic.LAST_NAMES)}"
        )
        petition["petitioner_city"] = rng.choice(synthetic.CITIES[home])
        petition["petitioner_province"] = home
        if day < synthetic.FLEXIBLE_WINDOWS_SINCE:
            length = 120
        else:
            length = rng.choice((30, 60, 60, 90, 120, 120, 120))
        opens = synthetic.local_datetime(day, petition["_minutes"])
        closes_day = day + datetime.timedelta(days=length)
        petition["_opens_at"] = opens
        petition["_closes_at"] = synthetic.local_datetime(closes_day, petition["_minutes"])
        if closes_day >= as_of:
            # Still open: the count so far.
            share = max((as_of - day).days, 1) / length
            total = int(total * share)
        else:
            decided = closes_day + datetime.timedelta(days=rng.randint(1, 6))
            if dissolved and decided > session.ended_on:
                petition["outcome"] = "closed_on_dissolution"
                petition["outcome_on"] = session.ended_on
            elif decided <= as_of:
                certified = total >= synthetic.SIGNATURES_TO_CERTIFY
                petition["outcome"] = "certified" if certified else "not_certified"
                petition["outcome_on"] = decided
                if certified:
                    petition["presented_on"] = decided + datetime.timedelta(days=rng.randint(5, 50))
        petition["signature_count"] = total
        petition["_counts"] = synthetic.split_signatures(rng, total, home) if total else {}
    else:
        petition["outcome"] = "certified"
        petition["presented_on"] = day
        petition["signature_count"] = total
        if rng.random() < 0.25:
            petition["_keywords"] = rng.sample(keywords, rng.randint(1, 2))
    presented_on = petition["presented_on"]
    if presented_on and (presented_on > end) and (dissolved or presented_on > as_of):
        petition["presented_on"] = None
        if dissolved:
            petition["outcome"] = "closed_on_dissolution"
            petition["outcome_on"] = max(
                session.ended_on, petition["outcome_on"] or session.ended_on
            )
        presented_on = None
    if presented_on:
        presenter = sponsor if rng.random() < 0.85 else rng.choice(members)
        petition["presenter_id"] = presenter.pk
        petition["presenter_riding"] = presenter.riding
        tabled_on = presented_on + datetime.timedelta(days=synthetic.response_delay(rng))
        if tabled_on <= as_of and rng.random() < 0.96:
            ministry = rng.choice(ministries)
            petition["_responses"].append(
                _seed_response(rng, 1, ministry, tabled_on, session, topic, synthetic)
            )
            if rng.random() < 0.03:
                other = rng.choice(ministries)
                later = tabled_on + datetime.timedelta(days=rng.randint(0, 20))
                petition["_responses"].append(
                    _seed_response(rng, 2, other, later, session, topic, synthetic)
                )
    return petition


def _seed_response(rng, position, ministry, tabled_on, session, topic, synthetic):
    variant = rng.getrandbits(16)
    text_en, text_fr = synthetic.response_text(
        variant, topic.name_en, ministry.title_en, ministry.title_fr or ministry.title_en
    )
    return {
        "position": position,
        "ministry_id": ministry.pk,
        "signed_by": f"{rng.choice(synthetic.FIRST_NAMES)} {rng.choice(synthetic.LAST_NAMES)}",
        "tabled_on": tabled_on,
        # The House numbers responses as sessional papers 8545-<session>-<n>-<nn>.
        "sessional_paper_number": f"8545-{session.code}-{rng.randint(1, 99)}-{rng.randint(1, 99)}",
        "text_en": text_en,
        "text_fr": text_fr,
    }
