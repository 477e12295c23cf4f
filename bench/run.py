"""The benchmark: `make bench` (50,000 petitions) and `make bench-large` (1,000,000).

    .venv/bin/python bench/run.py --petitions N [--seed S] [--only REGEX] [--requests R]
    .venv/bin/python bench/run.py --show bench/results/FILE.json

The database is bench_<size> (bench_50k, bench_1m): on the DATABASE_URL server when it is
set, else in the embedded PostgreSQL. It is built with `seed_demo` when missing or when
its petition count differs from N, its related petitions computed
(`compute_related_petitions`), then VACUUM ANALYZEd; otherwise it is reused.

Three measurements, all on this machine, all stopping by themselves:

1. Server time in process: Django's test Client calls the WSGI handler with the
   production settings (DEBUG off, manifest static files, the same middleware), so the
   time is everything the server does for a request except the socket. For each
   scenario: one cold request after clearing the cache, two warm-ups, one request with
   its SQL queries counted, then up to R timed requests (p50, p95), and the response size;
   then with the page cache on: the page asked for again, and asked for right after a
   save (the data version moves on).
2. Throughput under gunicorn (the Dockerfile's three sync workers, production settings)
   with wrk on 127.0.0.1: requests per second of a few pages, each as a share of the
   one-query floor /healthz served the same way.
3. The CSV export of 100,000 rows through gunicorn, first with no export line kept, then
   three times more (the median): rows per second and the peak RSS of the worker serving
   it; then 64 clients on a mix of pages for 60 s.

Results go to stdout as a table and to bench/results/<size>-<label>.json.

    .venv/bin/python bench/run.py --petitions N --replica

measures instead the public read mix under gunicorn with one database server, then with
two (the primary and a streaming replica made by pg_basebackup, both from the embedded
PostgreSQL's programs, in a folder of the system's temporary directory kept between
runs), alternately, the page cache off so that every request reads the database; results
in bench/results/<size>-<label>-replica.json."""

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
THROUGHPUT_SECONDS = 10
THROUGHPUT_CONNECTIONS = 8
MIXED_CONNECTIONS = 64
MIXED_SECONDS = 60
# A scenario stops after this many seconds of timed requests (at least 5 requests).
SCENARIO_SECONDS = 30


def size_label(count):
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}m"
    if count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


# The database ---------------------------------------------------------------------------


def database_urls(name):
    """(URL of the bench database, URL of the server's maintenance database)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        parts = urlsplit(url)
        return (
            urlunsplit(parts._replace(path="/" + name)),
            urlunsplit(parts._replace(path="/postgres")),
        )
    from petitions_site.database import embedded_server

    embedded = embedded_server()
    # Kept referenced: the embedded server stops when this process exits.
    database_urls.embedded = embedded
    return embedded.get_uri(database=name), embedded.get_uri(database="postgres")


def admin_sql(admin_url, sql, params=()):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def petition_count(url):
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            return connection.execute("SELECT count(*) FROM petitions_petition").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        return 0


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(petitions, seed, name=None):
    """Create, seed or reuse bench_<size> (or `name`); returns its URL."""
    name = name or f"bench_{size_label(petitions)}"
    url, admin_url = database_urls(name)
    exists = admin_sql(admin_url, "SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    count = petition_count(url) if exists else 0
    if exists and count not in (0, petitions):
        print(f"{name} holds {count:,} petitions, not {petitions:,}: building it again.")
        admin_sql(admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')
        exists = False
    if not exists:
        admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    # Setting up runs without the web's statement timeout: indexes on a million rows.
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT_MS": "0"}
    manage("migrate", "--noinput", "-v", "0", env=env)
    if count == petitions:
        print(f"Reusing {name}: {count:,} petitions.")
        # Those the database was seeded or migrated without (nothing when current).
        manage("compute_related_petitions", env=env)
        analyze(url, "ANALYZE")
        return url
    print(f"Seeding {name} with {petitions:,} petitions (seed {seed}); this takes a while.")
    started = time.monotonic()
    manage("seed_demo", "--petitions", str(petitions), "--seed", str(seed), env=env)
    print(f"Seeded in {time.monotonic() - started:,.0f} s.")
    # The seed writes as a replica does, without the related petitions' triggers: every
    # petition page shows its related petitions, computed ahead as after a migration.
    manage("compute_related_petitions", env=env)
    analyze(url, "VACUUM ANALYZE")
    return url


def analyze(url, command):
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(command)


# Measuring in process -------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def body_size(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(client, name, path, target, requests):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from petitions.cache import REFRESH_THREAD, data_changed
    from petitions.models import Petition

    def get():
        started = time.perf_counter()
        try:
            response = client.get(path)
            size = body_size(response)  # a streamed body is produced while it is read
        except Exception as error:  # a scenario that fails is reported, not fatal
            response, size = Failed(f"{type(error).__name__}: {str(error)[:80]}"), 0
        return response, size, (time.perf_counter() - started) * 1000

    result = {"name": name, "path": path, "target_ms": target}
    if target is None:  # the export: measured under gunicorn, rows per second
        return None
    cache.clear()
    response, size, cold = get()
    result["status"] = response.status_code
    result["cold_ms"] = round(cold, 1)
    result["bytes"] = size
    for _ in range(2):
        get()
    with CaptureQueriesContext(connection) as queries:
        get()
    result["queries"] = len(queries)
    times = []
    began = time.monotonic()
    while len(times) < requests and (len(times) < 5 or time.monotonic() - began < SCENARIO_SECONDS):
        response, size, elapsed = get()
        times.append(elapsed)
        if response.status_code != result["status"]:
            result["status"] = response.status_code
    result["requests"] = len(times)
    result["p50_ms"] = round(statistics.median(times), 1)
    result["p95_ms"] = round(percentile(times, 0.95), 1)
    result["max_ms"] = round(max(times), 1)
    result["meets_target"] = result["p95_ms"] <= target and result["status"] == 200
    # The same page again with the page cache on, as production serves it.
    with override_settings(PAGE_CACHE_SECONDS=60):
        get()
        cached = [get()[2] for _ in range(10)]
        result["cached_p50_ms"] = round(statistics.median(cached), 2)
        # Right after a clerk's save: every kept page and figure is out of date; figures
        # of the whole archive are served from their last computation while a thread
        # computes new ones, which is waited for before the next scenario.
        data_changed(Petition)
        result["after_save_ms"] = round(get()[2], 1)
        for thread in threading.enumerate():
            if thread.name.startswith(REFRESH_THREAD):
                thread.join(timeout=120)
    return result


class Failed:
    """Stands for the response of a request that raised."""

    def __init__(self, reason):
        self.status_code = reason


def run_in_process(cases, requests):
    from django.conf import settings
    from django.test import Client

    # Every timed request renders its page: the page cache is measured apart.
    settings.PAGE_CACHE_SECONDS = 0
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    results = []
    for name, path, target in cases:
        result = measure(client, name, path, target, requests)
        if result is not None:
            results.append(result)
            print(row(result), flush=True)
    return results


# Under gunicorn ---------------------------------------------------------------------------


def run_throughput(url, paths, page_cache_seconds):
    results = {}
    with server.gunicorn(url, PAGE_CACHE_SECONDS=str(page_cache_seconds)) as (port, _process):
        for name, path in paths.items():
            # A list of paths is asked for in turn (a crawler's pattern).
            addresses = path if isinstance(path, list) else [path]
            drain(port)
            server.wrk(port, addresses, connections=THROUGHPUT_CONNECTIONS, seconds=2)  # warm-up
            figures = server.wrk(
                port, addresses, connections=THROUGHPUT_CONNECTIONS, seconds=THROUGHPUT_SECONDS
            )
            if isinstance(path, list):
                path = f"{path[0]} and {len(path) - 1} more, in turn"
            results[name] = {"path": path, **figures}
            print(
                f"  {name:<18} {figures['rps']:8.1f} req/s  p50 {figures['latency_ms']['p50']:7.1f}"
                f" ms  p99 {figures['latency_ms']['p99']:7.1f} ms  errors {figures['error_count']}",
                flush=True,
            )
    floor = results["floor (/healthz)"]["rps"]
    for figures in results.values():
        figures["share_of_floor"] = round(figures["rps"] / floor, 3) if floor else None
    print("  share of the floor: " + ", ".join(
        f"{name} {figures['share_of_floor']:.0%}" for name, figures in results.items()
    ))  # fmt: skip
    return results


def drain(port, seconds=120):
    """Wait until the workers are idle: requests a load left queued when its clients
    went away are still served, and would be counted against the next page."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            server.fetch(port, "/healthz", timeout=seconds)
        if time.monotonic() - started < 0.2:
            return
        time.sleep(1)


class RssSampler(threading.Thread):
    """The largest RSS seen of each gunicorn worker, sampled every 20 ms."""

    def __init__(self, master_pid):
        super().__init__(daemon=True)
        import psutil

        self.master = psutil.Process(master_pid)
        self.peak, self.start_rss, self.running = {}, {}, True
        for worker in self.master.children():
            self.start_rss[worker.pid] = worker.memory_info().rss

    def run(self):
        import psutil

        while self.running:
            for worker in self.master.children():
                try:
                    rss = worker.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                self.peak[worker.pid] = max(self.peak.get(worker.pid, 0), rss)
            time.sleep(0.02)


def run_export(url, path, rows):
    """The export first with no line kept (each is built and kept), then three times
    reading the kept lines; the figure for those is their median."""
    from django.db import connection

    with connection.cursor() as cursor:
        # Every line may be kept (keep_export_lines, each night): emptying a million of
        # them takes longer than the pages' statement timeout.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("UPDATE petitions_exportline SET csv = '', json = '' WHERE csv <> ''")
        cursor.execute("RESET statement_timeout")
    # A sync worker is stopped after --timeout seconds without finishing a response: the
    # Dockerfile's 30 would cut a long export, so it is lifted here to measure it whole.
    with server.gunicorn(url, timeout=600) as (port, process):
        address = f"http://{server.HOST}:{port}{path}"
        runs = [_export_once(address, process, rows) for _ in range(4)]
    for run in runs:
        print(
            f"  export: {rows:,} rows, {run['bytes'] / 2**20:,.1f} MB in {run['seconds']:.1f} s"
            f" = {run['rows_per_second']:,} rows/s; worker RSS {run['worker_rss_before_mb']} →"
            f" {run['worker_rss_peak_mb']} MB",
            flush=True,
        )
    kept = sorted(runs[1:], key=lambda run: run["seconds"])[1]
    return {"path": path, "rows": rows, "first": runs[0], "kept": kept, "kept_runs": runs[1:]}


def _export_once(address, process, rows):
    sampler = RssSampler(process.pid)
    sampler.start()
    started = time.monotonic()
    size = 0
    with urllib.request.urlopen(address, timeout=600) as answer:
        status = answer.status
        while chunk := answer.read(1 << 20):
            size += len(chunk)
    seconds = time.monotonic() - started
    sampler.running = False
    sampler.join()
    busiest = max(sampler.peak, key=lambda pid: sampler.peak[pid] - sampler.start_rss.get(pid, 0))
    return {
        "status": status,
        "bytes": size,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "worker_rss_before_mb": round(sampler.start_rss.get(busiest, 0) / 2**20, 1),
        "worker_rss_peak_mb": round(sampler.peak[busiest] / 2**20, 1),
    }


def run_command(url, *args):
    """A management command on the benchmark database: its seconds and peak RSS."""
    import psutil

    # As an operator runs it: without the web's statement timeout.
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT_MS": "0"}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    watched, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    output = process.stdout.read().strip()
    if process.returncode:
        raise SystemExit(f"{' '.join(args)} failed: {output}")
    return {
        "command": " ".join(args),
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "output": output.splitlines()[-1] if output else "",
    }


def run_commands(url, petitions):
    """The export command in each format (from kept lines for CSV and JSON, from the
    export table for XML) and a citable release of the whole archive."""
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-files-") as folder:
        for format in ("csv", "json", "xml"):
            target = Path(folder) / f"petitions.{format}"
            result = run_command(url, "export_petitions", "--format", format, "-o", str(target))
            result["rows_per_second"] = round(petitions / result["seconds"])
            result["megabytes"] = round(target.stat().st_size / 2**20, 1)
            target.unlink()
            results.append(result)
        os.environ["RELEASES_DIR"] = str(Path(folder) / "releases")
        release = run_command(url, "release_dataset")
        release["megabytes"] = round(
            sum(f.stat().st_size for f in Path(folder, "releases").rglob("*") if f.is_file())
            / 2**20,
            1,
        )
        results.append(release)
    for result in results:
        print(
            f"  {result['command'].split(' -o ')[0]}: {result['seconds']:,} s, "
            f"peak RSS {result['peak_rss_mb']} MB",
            flush=True,
        )
    return results


def run_mixed(url, paths):
    with server.gunicorn(url) as (port, _process):
        figures = server.wrk(
            port, paths, connections=MIXED_CONNECTIONS, seconds=MIXED_SECONDS, threads=2
        )
    print(
        f"  mixed, {MIXED_CONNECTIONS} clients, {MIXED_SECONDS} s: {figures['rps']:.1f} req/s, "
        f"p99 {figures['latency_ms']['p99']:.0f} ms, errors {figures['error_count']}, "
        f"statuses {figures['status']}",
        flush=True,
    )
    return {"paths": paths, "connections": MIXED_CONNECTIONS, **figures}


REPLICA_ROUNDS = 2
REPLICA_SECONDS = 30


def reads_by_server(pair, name):
    """Transactions committed so far on each server in database `name` (PostgreSQL
    flushes these counts within a second or so)."""
    query = f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{name}'"
    return {server: pair.sql(server, name, query)[0][0] for server in ("primary", "replica")}


def run_replica(pair, url, paths):
    """The read mix with one server, then two, REPLICA_ROUNDS times each, alternately."""
    name = urlsplit(url).path.lstrip("/")
    replica_url = pair.url("replica", name)
    runs = []
    for round_ in range(REPLICA_ROUNDS):
        for servers, extra in ((1, {}), (2, {"DATABASE_REPLICA_URLS": replica_url})):
            with server.gunicorn(url, PAGE_CACHE_SECONDS="0", **extra) as (port, _process):
                # The replica's health is checked in a thread at the first request.
                server.fetch(port, paths[0])
                time.sleep(1)
                before = reads_by_server(pair, name)
                figures = server.wrk(
                    port, paths, connections=MIXED_CONNECTIONS, seconds=REPLICA_SECONDS
                )
                time.sleep(2)
                after = reads_by_server(pair, name)
            figures["transactions"] = {key: after[key] - before[key] for key in after}
            figures["servers"], figures["round"] = servers, round_ + 1
            runs.append(figures)
            print(
                f"  {servers} server{'s' if servers > 1 else ''}, round {round_ + 1}: "
                f"{figures['rps']:.1f} req/s, p50 {figures['latency_ms']['p50']:.0f} ms, "
                f"p99 {figures['latency_ms']['p99']:.0f} ms, errors {figures['error_count']}, "
                f"statuses {figures['status']}, transactions {figures['transactions']}",
                flush=True,
            )
    return {"paths": paths, "connections": MIXED_CONNECTIONS, "runs": runs}


def main_replica(args):
    from bench.replica import StreamingPair, postgres_bin

    if postgres_bin() is None:
        sys.exit("The embedded PostgreSQL's programs (pg_basebackup) are not installed.")
    pair = StreamingPair(Path(tempfile.gettempdir()) / "petitions-bench-replica")
    try:
        pair.start_primary()
        os.environ["DATABASE_URL"] = pair.url("primary", "postgres")
        url = prepare_database(args.petitions, args.seed, args.database)
        print("Copying the primary into a new replica (pg_basebackup).", flush=True)
        pair.start_replica()
        os.environ.update(
            server.production_environment(url, tempfile.mkdtemp(prefix="bench-static-"))
            | {"DJANGO_SETTINGS_MODULE": "petitions_site.settings"}
        )
        import django

        django.setup()
        from bench import scenarios

        facts = scenarios.facts()
        print(
            f"\nThe public read mix, page cache off, {MIXED_CONNECTIONS} clients x "
            f"{REPLICA_SECONDS} s, one database server and two:"
        )
        results = {
            "petitions": facts["petitions"],
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "commit": git_label(),
            "machine": machine(),
            "method": (
                f"gunicorn {server.WORKERS} sync workers, page cache off, rate limits off; "
                f"wrk {MIXED_CONNECTIONS} connections x {REPLICA_SECONDS} s on 127.0.0.1; "
                "one server (the primary) and two (the primary and a streaming replica "
                "on the same machine), alternately."
            ),
            "replica": run_replica(pair, url, scenarios.mixed_paths(facts)),
        }
    finally:
        pair.stop_all()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{size_label(args.petitions)}-{args.label or results['commit']}-replica.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\nWritten {path.relative_to(ROOT)}")


# Reporting --------------------------------------------------------------------------------

HEADER = (
    "| scenario | p50 ms | p95 ms | target | cold ms | cached ms | after a save ms | queries "
    "| KB | status |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def row(result):
    target = result["target_ms"]
    mark = ""
    if target is not None:
        mark = " ✓" if result.get("meets_target") else " ✗"
    return (
        f"| {result['name']} | {result['p50_ms']} | {result['p95_ms']}{mark} | "
        f"{target if target is not None else '–'} | {result['cold_ms']} | "
        f"{result.get('cached_p50_ms', '–')} | {result.get('after_save_ms', '–')} | "
        f"{result['queries']} | "
        f"{result['bytes'] / 1024:,.1f} | {result['status']} |"
    )


def python_speed_ms():
    """The median time of a fixed pure-Python workload (five runs): machines of the same
    kind differ in speed, and this says by how much, so rounds on different machines can
    be compared. The pages' time is mostly Python's."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        table = {}
        for i in range(300_000):
            table[str(i)] = i * 2
        sum(value for key, value in table.items() if key.endswith("7"))
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "shared_buffers": shared_buffers,
        "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
        "python_speed_ms": python_speed_ms(),
    }


def git_label():
    answer = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return answer.stdout.strip() or "unknown"


def show(path):
    """Print a results file as the tables BENCHMARKS.md shows."""
    results = json.loads(Path(path).read_text())
    print(f"{results['petitions']:,} petitions, {results['date']}, {results['commit']}\n")
    print(HEADER)
    for result in results["scenarios"]:
        print(row(result))
    for key in ("throughput_uncached", "throughput"):
        if key in results:
            print(f"\n{key}: | page | req/s | share of floor | p50 ms | p99 ms | errors |")
            for name, figures in results[key].items():
                latency = figures["latency_ms"]
                print(
                    f"| {name} | {figures['rps']:.1f} | {figures['share_of_floor']:.0%} | "
                    f"{latency['p50']:.1f} | {latency['p99']:.1f} | {figures['error_count']} |"
                )
    for key in ("export", "mixed"):
        if key in results:
            print(f"\n{key}: {json.dumps(results[key])}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--show":
        return show(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="timed requests a scenario")
    parser.add_argument("--only", help="run the scenarios whose name matches this regex")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn and wrk")
    parser.add_argument("--label", default=None, help="names the results file")
    parser.add_argument("--prepare", action="store_true", help="only build the database")
    parser.add_argument(
        "--database", help="the database to build or reuse, instead of bench_<size>"
    )
    parser.add_argument(
        "--replica",
        action="store_true",
        help="the public read mix with one database server and with two (a replica)",
    )
    args = parser.parse_args()
    if args.replica:
        return main_replica(args)

    url = prepare_database(args.petitions, args.seed, args.database)
    if args.prepare:
        return
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    os.environ.update(
        server.production_environment(url, static_root)
        | {"DJANGO_SETTINGS_MODULE": "petitions_site.settings"}
    )
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    from django.db import connection

    from bench import scenarios

    # Finding the scenarios' values reads whole tables (seconds at a million petitions,
    # past 15 s on a cold cache): not under the pages' statement timeout.
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    facts = scenarios.facts()
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout")
    cases = scenarios.scenarios(facts)
    if args.only:
        cases = [case for case in cases if re.search(args.only, case[0])]
    print(f"\n{facts['petitions']:,} petitions; server time in process, {args.requests} requests\n")
    print(HEADER)
    results = {
        "petitions": facts["petitions"],
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": git_label(),
        "machine": machine(),
        "facts": facts,
        "method": (
            "Server time: Django test Client in process, production settings, after two "
            "warm-up requests; cold = first request after clearing the cache. Throughput: "
            f"gunicorn {server.WORKERS} sync workers, wrk {THROUGHPUT_CONNECTIONS} connections "
            f"{THROUGHPUT_SECONDS} s on 127.0.0.1, rate limits off."
        ),
        "scenarios": run_in_process(cases, args.requests),
    }
    export_case = next((case for case in cases if case[2] is None), None)
    if not args.no_load:
        paths = scenarios.throughput_paths(facts)
        print("\nThroughput under gunicorn (wrk), page cache off:")
        results["throughput_uncached"] = run_throughput(url, paths, 0)
        print("\nThroughput under gunicorn (wrk), page cache on (60 s, the default):")
        results["throughput"] = run_throughput(url, paths, 60)
        # The load above left this process's connection idle for minutes, longer than
        # the server keeps an idle session: a new one for what follows.
        connection.close()
        if export_case:
            from django.test import RequestFactory

            from petitions.exports.views import export_petitions

            request = RequestFactory().get(export_case[1])
            rows = export_petitions(request)[0].count()
            results["export"] = run_export(url, export_case[1], rows)
        results["mixed"] = run_mixed(url, scenarios.mixed_paths(facts))
        print("\nCommands (export_petitions, release_dataset):")
        results["commands"] = run_commands(url, facts["petitions"])
    RESULTS.mkdir(exist_ok=True)
    label = args.label or results["commit"]
    path = RESULTS / f"{size_label(args.petitions)}-{label}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\nWritten {path.relative_to(ROOT)}")
    missed = [r["name"] for r in results["scenarios"] if r.get("meets_target") is False]
    if missed:
        print("Above target: " + ", ".join(missed))


if __name__ == "__main__":
    main()
