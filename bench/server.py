"""gunicorn with the production settings, and wrk against it, on 127.0.0.1 only.

Used by bench/run.py for throughput and by tests/test_load.py. Every load is bounded in
time and connections and stops by itself."""

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# The Dockerfile's production web process: three sync workers.
WORKERS = 3

# wrk's Lua: rotate over `paths`, count answers by status class, and print one JSON line
# with the figures when done.
WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
s2, s3, s4, s5 = 0, 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = math.random(0, #paths - 1)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  if status < 300 then s2 = s2 + 1
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1
  else s5 = s5 + 1 end
end

function done(summary, latency, requests)
  local t = {0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("s2")
    t[2] = t[2] + thread:get("s3")
    t[3] = t[3] + thread:get("s4")
    t[4] = t[4] + thread:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"status": {"2xx": %%d, "3xx": %%d, "4xx": %%d, "5xx": %%d}, ' ..
    '"latency_us": {"p50": %%d, "p90": %%d, "p99": %%d, "max": %%d, "mean": %%.1f}}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    t[1], t[2], t[3], t[4],
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


RATE_LIMITED = ["API", "EXPORTS", "SEARCH", "STATS", "FEEDS", "SITEMAPS"]


def production_environment(database_url, static_root, **extra):
    """The environment of the production web process, pointed at `database_url`. The
    per-address rate limits are off: every client of a load test is 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_STATIC_ROOT": str(static_root),
        **{f"RATE_LIMIT_{bucket}": "0" for bucket in RATE_LIMITED},
    }
    env.update(extra)
    return env


def collectstatic(env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def fetch(port, path, timeout=30):
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def gunicorn(database_url, workers=WORKERS, nice=0, timeout=30, **extra_env):
    """Run gunicorn on a free port of 127.0.0.1 until the block ends; yields
    (port, process). Static files are collected into a temporary folder. `nice` lowers
    its CPU priority."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-static-") as static_root,
        tempfile.TemporaryFile() as log,
    ):
        env = production_environment(database_url, static_root, **extra_env)
        collectstatic(env)
        port = free_port()
        # The log goes to a file: a pipe nobody reads would block gunicorn once full.
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "petitions_site.wsgi",
             "--bind", f"{HOST}:{port}", "--workers", str(workers), "--timeout", str(timeout),
             "--backlog", "2048"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
            preexec_fn=_niced(nice),
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if fetch(port, "/healthz", timeout=5)[0] == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError("gunicorn did not start: " + log.read().decode()[-2000:])
                time.sleep(0.2)
            yield port, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wrk_available():
    return shutil.which("wrk") is not None


def _niced(nice):
    return (lambda: os.nice(nice)) if nice else None


def wrk(port, paths, *, connections, seconds, threads=2, timeout_s=10, nice=0):
    """Load `paths` (in turn) with `connections` clients for `seconds`; returns wrk's
    figures: requests, rps, errors, status classes, latency percentiles in ms."""
    if not wrk_available():
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk).")
    lua_paths = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": lua_paths})
    try:
        answer = subprocess.run(
            ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s",
             f"--timeout={timeout_s}s", "-s", script.name, f"http://{HOST}:{port}{paths[0]}"],
            capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=True,
            preexec_fn=_niced(nice),
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(line for line in answer.stdout.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    seconds_run = figures["duration_us"] / 1e6
    latency = figures.pop("latency_us")
    figures["latency_ms"] = {key: value / 1000 for key, value in latency.items()}
    figures["seconds"] = seconds_run
    figures["rps"] = figures["requests"] / seconds_run if seconds_run else 0.0
    figures["error_count"] = sum(figures["errors"].values())
    return figures
