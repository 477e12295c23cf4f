"""Database helpers the querysets use: time limits, statements planned once a
connection, and SQL functions and lookups Django does not have."""

import contextlib

from django.apps import apps
from django.db import connections, models, router, transaction
from django.db.backends.postgresql.base import ServerBindingCursor


def read_alias():
    """The database the archive's records are read from in this request: a replica's
    (petitions_site/replicas.py) or the primary."""
    return router.db_for_read(apps.get_model("petitions", "Petition"))


def on_commit_once(callback, using):
    """transaction.on_commit(callback), unless the current transaction already has it
    (the same object): an import saves thousands of rows in one. Read, not changed: a
    callback of a savepoint rolled back is gone from the list, so a later change
    registers it again."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(f is callback for _, f, _ in connection.run_on_commit):
        return
    transaction.on_commit(callback, using=using)


@contextlib.contextmanager
def time_limit(milliseconds):
    """Queries in the block are cancelled (psycopg's QueryCanceled, as an
    OperationalError's cause) after `milliseconds`, instead of running to the site-wide
    statement timeout. The block is a transaction, or a savepoint of the enclosing one,
    whose own limit applies again after it."""
    alias = read_alias()
    connection = connections[alias]
    nested = connection.in_atomic_block
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'), "
            "set_config('statement_timeout', %s, true)",
            [str(int(milliseconds))],
        )
        enclosing = cursor.fetchone()[0]
        yield
        if nested:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [enclosing])


@contextlib.contextmanager
def by_index():
    """Queries in the block find petitions through their indexes rather than by reading
    the table in order: for search matches. Asked for the first thousands of a search
    matching a hundred thousand, the planner reads the table in order, expecting to meet
    them soon, without counting that each row's search document must be unpacked to be
    tested (a second at a million petitions, against 80 ms through the indexes)."""
    with _planner_settings(enable_seqscan="off"):
        yield


@contextlib.contextmanager
def by_bitmap():
    """Queries in the block gather their rows from the indexes first (a bitmap), then
    read them, rather than walking an index in order and testing each row: for the
    newest of a search's matches when they are neither few nor common. "Nguyen housing"
    matches 14,000 of a million petitions: walking the newest first tests 19,000 search
    documents to find 200 (65 ms), the bitmap reads the 14,000 rows' dates (32 ms)."""
    with _planner_settings(enable_seqscan="off", enable_indexscan="off"):
        yield


@contextlib.contextmanager
def _planner_settings(**settings):
    """The planner's `settings` for the queries in the block. Within a transaction, which
    gets its own settings back after the block; else the block is one."""
    alias = read_alias()
    connection = connections[alias]
    if not connection.in_atomic_block:
        with transaction.atomic(using=alias), _planner_settings(**settings):
            yield
        return
    names = list(settings)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [item for name, value in settings.items() for item in (name, name, value)],
        )
        row = cursor.fetchone()
    enclosing = row[0::2]
    yield
    # (After an error the enclosing transaction is rolled back, the settings with it.)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
            [item for name, value in zip(names, enclosing, strict=True) for item in (name, value)],
        )


@contextlib.contextmanager
def planned_once():
    """Queries in the block are prepared on the server, their values bound there, so
    that PostgreSQL parses and plans each of them once per connection and then runs the
    plan it keeps. For queries that read a few rows by key, whose best plan is the same
    whatever the key: a petition's page was planned anew for every request, its ten
    joined tables in a transaction that set the written order (four statements, 2 ms).
    Only such queries: a plan kept for one search word can be the wrong one for the
    next."""
    connection = connections[read_alias()]
    connection.ensure_connection()
    client = connection.connection
    kept = client.cursor_factory, client.prepare_threshold
    client.cursor_factory, client.prepare_threshold = ServerBindingCursor, 0
    try:
        yield
    finally:
        client.cursor_factory, client.prepare_threshold = kept


class DaysBetween(models.Func):
    """Whole days from `earlier` to `later`: PostgreSQL subtracts dates to an integer."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = models.IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)


@models.IntegerField.register_lookup
class AnyOf(models.Lookup):
    """`pk__any=keys`: `= ANY(%s)` with the keys as one array parameter, where `__in`
    writes a placeholder per key. A search hands the database thousands of candidate
    keys: written out one by one, composing and sending the query took longer than
    running it."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [[int(key) for key in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if len(rhs_params[0]) == 1:
            # As an equality, which the planner carries into joined subqueries (a
            # ministry's petitions): it does not for = ANY, even of one key.
            return f"{lhs} = %s", (*lhs_params, rhs_params[0][0])
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class Median(models.Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()
