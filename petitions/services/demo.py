"""Demo data: synthetic petitions shaped like the House's, written by COPY."""

import datetime
import queue
import random
import threading
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.utils.text import slugify

from petitions.cache import data_changed
from petitions.house.dates import OTTAWA
from petitions.models import (
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
from petitions.reference import reference_make
from petitions.services.demo_history import demo_history_seed
from petitions.services.demo_rows import session_rows
from petitions.services.lookups import unique_slug
from responses.models import GovernmentResponse

# Loads at least this big (and as big as the table) build the petitions' indexes once
# at the end instead of row by row, and their search documents on every core.
INDEX_REBUILD_FROM = 10_000

# Where such a load COPYs its petitions first (see _staged_petitions).
STAGING = "seed_demo_petitions"


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


def _copy(cursor, model, rows, table=None):
    """COPY `rows` (dicts by attname) into `model`'s table, or `table` shaped like it;
    missing values get defaults."""
    if not rows:
        return 0
    columns, attnames, defaults = _copy_columns(model, with_pk="id" in rows[0])
    pairs = list(zip(attnames, defaults, strict=True))
    table = table or model._meta.db_table
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
            # after the load (see _seed_verify). The triggers that give a petition's row
            # its derived values (activity date, search document, export lines) fire
            # always, replica or not: the same SQL computes them for every writer. A
            # big load computes the search documents with that SQL on every core first
            # (see _staged_petitions).
            set_based = cursor.fetchone()[0]
            if set_based:
                cursor.execute("SET LOCAL session_replication_role = replica")
        if not ParliamentarySession.objects.exists():
            reference_make(apps)
        plan = _seed_plan(rng, count, as_of, synthetic)
        members = _seed_members(rng, plan, synthetic, report)
        keywords = _seed_keywords(synthetic)
        topics = list(Topic.objects.order_by("pk"))
        ministries = list(Ministry.objects.order_by("pk"))
        if not topics or not ministries:
            raise ValueError("seed_demo needs topics and ministries: load the reference data.")
        rebuilt = _drop_petition_indexes(count)
        first_id = Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        state = {
            "petition_id": first_id,
            "e_number": _max_e_number(),
            "created_at": datetime.datetime.combine(as_of, datetime.time(12), tzinfo=OTTAWA),
        }
        sequences = {session.pk: _max_sequence(session) for session, _ in plan}
        # About one petition in six is an e-petition: more of them in the sessions since
        # December 2015 when the plan reaches back to sessions that had none.
        since = sum(
            size
            for session, size in plan
            if (session.ended_on or as_of) >= synthetic.E_PETITIONS_BEGAN
        )
        e_share = min(count / 6 / since, 0.5) if since else 0.0
        staged = set_based and bool(rebuilt)
        if staged:
            _create_staging()
        writer = _CopyWriter(report, tick, staging=STAGING if staged else None)
        try:
            for session, size in plan:
                batch = session_rows(
                    rng,
                    session,
                    size,
                    as_of=as_of,
                    members=members[session.pk],
                    topics=topics,
                    ministries=ministries,
                    keywords=keywords,
                    state=state,
                    sequence=sequences[session.pk],
                    e_share=e_share,
                    synthetic=synthetic,
                )
                if not set_based:
                    # Each row checked as it comes: the petitions before what names them.
                    batch.sort(key=lambda rows: rows[1] is not Petition)
                writer.put(batch)
        finally:
            writer.close()
        if staged:
            _staged_petitions()
        if rebuilt:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
                for definition in rebuilt:
                    cursor.execute(definition)
        # The open petitions' counts over time, as daily imports would have kept them.
        history = demo_history_seed(after_id=first_id, now=state["created_at"])
        report.rows["signature counts over time"], report.rows["changes"] = history
        if set_based:
            _seed_verify()
        with connection.cursor() as cursor:
            # Petitions were numbered here; the other tables numbered their own rows.
            table = Petition._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        # COPY sends no signal: the kept pages learn of the new rows once they commit.
        data_changed()
    report.seconds = time.monotonic() - started
    return report


def _create_staging():
    """An unlogged table shaped like the petitions' for a big load's COPY, moved to the
    petitions' table by _staged_petitions(), which drops it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE UNLOGGED TABLE {STAGING} (LIKE {Petition._meta.db_table} INCLUDING DEFAULTS)"
        )


def _staged_petitions():
    """Move the petitions COPYed into STAGING to their table with their search
    documents, computed by the document's own rule (petition_search_document, PARALLEL
    SAFE) in one parallel scan: the rule is most of a load's time, and one backend
    inserting rows runs it on one core. The row trigger that would compute each
    document again stays off for the insert only; the other triggers fire as for
    COPY."""
    table = Petition._meta.db_table
    columns = _copy_columns(Petition, with_pk=True)[0]
    values = ", ".join(
        "documents.document" if column == "search_document" else f"staged.{column}"
        for column in columns
    )
    with connection.cursor() as cursor:
        # Without statistics the planner thinks the table too small to scan in parallel.
        cursor.execute(f"ANALYZE {STAGING}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {STAGING}_documents AS "
            f"SELECT id, petition_search_document(ROW(staged.*)::{table}) AS document "
            f"FROM {STAGING} staged"
        )
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER petition_search_document")
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {STAGING} staged "
            f"JOIN {STAGING}_documents documents ON documents.id = staged.id"
        )
        cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER petition_search_document")
        cursor.execute(f"DROP TABLE {STAGING}_documents, {STAGING}")


def _drop_petition_indexes(count):
    """Drop the petitions' indexes that enforce nothing (all but the primary key and the
    unique ones) when the load is at least as big as the table, and return the
    statements that make them again: built once at the end, sorted on both cores, they
    cost a fraction of keeping two dozen indexes up to date row by row. Pages that read
    petitions wait for the load to commit meanwhile: this is for demo databases."""
    if count < INDEX_REBUILD_FROM or count < Petition.objects.count():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisprimary",
            [Petition._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes]


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
    sat, no session given more than its five-digit presentation numbers can hold, and
    earlier sessions added when the known ones cannot hold them all."""
    sessions = [
        s for s in ParliamentarySession.objects.order_by("started_on") if s.started_on <= as_of
    ]
    earlier = list(synthetic.EARLIER_SESSIONS)
    known = {(s.parliament, s.session) for s in ParliamentarySession.objects.all()}
    while True:
        # Every paper petition and most e-petitions take a presentation number.
        room = [int(synthetic.MAX_SEQUENCE * 0.95) - _max_sequence(s) for s in sessions]
        sizes = _spread(
            count, [((s.ended_on or as_of) - s.started_on).days + 1 for s in sessions], room
        )
        if sizes is not None:
            return list(zip(sessions, sizes, strict=True))
        while earlier and (earlier[0][0], earlier[0][1]) in known:
            earlier.pop(0)
        if not earlier:
            raise ValueError(f"{count:,} petitions are more than the sessions can number.")
        parliament, number, start, end = earlier.pop(0)
        sessions.append(
            ParliamentarySession.objects.create(
                parliament=parliament, session=number, started_on=start, ended_on=end
            )
        )
        sessions.sort(key=lambda s: s.started_on)


def _spread(count, weights, room):
    """`count` split by `weights`, none over its `room`; None when all the room is too
    little."""
    if count > sum(max(r, 0) for r in room):
        return None
    sizes = [0] * len(weights)
    open_ = [i for i in range(len(weights)) if room[i] > 0]
    left = count
    while left:
        total = sum(weights[i] for i in open_)
        shares = {i: left * weights[i] // total for i in open_}
        for index in range(left - sum(shares.values())):
            shares[open_[index % len(open_)]] += 1
        for i in open_:
            take = min(shares[i], room[i] - sizes[i])
            sizes[i] += take
            left -= take
        open_ = [i for i in open_ if sizes[i] < room[i]]
    return sizes


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
        Keyword(name_en=en, name_fr=fr, slug=unique_slug(Keyword, en))
        for en, fr in synthetic.KEYWORD_NAMES
        if en not in existing
    ]
    Keyword.objects.bulk_create(missing)
    return list(existing.values()) + missing


class _CopyWriter:
    """COPYs each session's rows on a thread of its own, so that the next session's
    petitions are made while the database stores the last one's: the database's work
    and Python's overlap on two cores. The thread uses the transaction's connection,
    which the caller leaves alone until `close()`."""

    def __init__(self, report, tick, staging=None):
        self.report, self.tick = report, tick
        self.staging = staging  # the table petitions are COPYed into, if not their own
        self.error = None
        self.connection = connection.connection
        self.batches = queue.Queue(maxsize=1)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.connection.cursor() as cursor:
                    for name, model, rows in batch:
                        table = self.staging if model is Petition and self.staging else None
                        written = _copy(cursor, model, rows, table=table)
                        self.report.rows[name] = self.report.rows.get(name, 0) + written
                        if name == "petitions" and self.tick:
                            self.tick(written)
            except Exception as error:  # handed to the caller by put() or close()
                self.error = error

    def put(self, batch):
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def close(self):
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
