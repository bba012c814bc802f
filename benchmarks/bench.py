"""How fast the public site is next to a static file, served the way production serves it.

`make bench` runs this. It builds a PostgreSQL database with the seed and 10,000 generated
therapies, starts the app with `make serve` (gunicorn, whitenoise, the shared Redis cache when
Redis is up), and measures each page with wrk, interleaved and repeated, beside a static file of
the same size served by whitenoise through the same gunicorn. It prints one table; the figures
are compared within the run, never with another run (the machine is shared and noisy).

Settings, from the environment: BENCH_THERAPIES (10000), BENCH_SECONDS (10 per measurement),
BENCH_ROUNDS (2), BENCH_CONNECTIONS (16), BENCH_PORT (8765), BENCH_DATABASE (sarcomainfo_bench).
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
THERAPIES = int(os.environ.get("BENCH_THERAPIES", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DATABASE = os.environ.get("BENCH_DATABASE", "sarcomainfo_bench")
PG = ["-h", "127.0.0.1", "-U", "postgres"]
STATIC_COPY = "bench/therapy-page.html"

THERAPY = "/therapies/imatinib/"
TARGETS = {
    "a": ("static file, same size as (b)", f"/static/{STATIC_COPY}"),
    "b": ("therapy page", THERAPY),
    "c": ("therapy list, two filters", "/therapies/?condition=generated-condition-7&form=tablets"),
    "d": ("seed topic page", "/topics/targeted-therapies-soft-tissue-sarcoma/"),
    "e": ("home page", "/"),
    "f": ("search, one query repeated", "/therapies/?q=imatinib"),
    "g": ("search, a new query each request", "/therapies/?q=ra"),
}
# Each request of (g) searches for a different drug-name prefix and is never cached: the
# worst case, as when every reader types something new.
SEARCH_SCRIPT = """
local syllables = {"ra", "zo", "ti", "ne", "ma", "lu", "ve", "do", "ki", "pa", "so", "re"}
local n = 0
request = function()
  n = n + 1
  local q = syllables[math.random(12)] .. syllables[math.random(12)]
  return wrk.format("GET", "/therapies/?q=" .. q .. "&n=" .. n .. "-" .. math.random(1e9))
end
"""


def bench_environment() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sarcomainfo.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-for-a-throwaway-database-5f1c9e27ab",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as behind a TLS proxy
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "PORT": str(PORT),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_CMD_ARGS": f"--pid {ROOT / 'benchmarks' / '.gunicorn.pid'}",
    }
    env.pop("REDIS_URL", None)
    if reachable(6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/1"
    return env


def reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def run(*command, env=None, quiet=False):
    subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def need_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (Debian package)...")
        run("apt-get", "update", "-qq", quiet=True)
        run("apt-get", "install", "-y", "-qq", "wrk", quiet=True)
    if not shutil.which("wrk"):
        sys.exit("The benchmark needs wrk: sudo apt-get install wrk")


def need_postgresql():
    if subprocess.run(["pg_isready", *PG[:4]], capture_output=True).returncode == 0:
        return
    print("Starting PostgreSQL...")
    for version in sorted(os.listdir("/etc/postgresql")):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    if subprocess.run(["pg_isready", *PG[:4]], capture_output=True).returncode != 0:
        sys.exit("The benchmark needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth).")


def build_database(env):
    print(f"Building {DATABASE}: the seed and {THERAPIES:,} generated therapies...")
    run("dropdb", *PG, "--if-exists", DATABASE)
    run("createdb", *PG, DATABASE)
    manage = [PYTHON, "manage.py"]
    run(*manage, "migrate", "--no-input", "-v0", env=env)
    run(*manage, "load_seed_content", env=env, quiet=True)
    started = time.monotonic()
    run(*manage, "generate_demo_content", "--therapies", str(THERAPIES), env=env, quiet=True)
    print(f"  generated in {time.monotonic() - started:.1f} s")
    run(*manage, "collectstatic", "--no-input", "-v0", env=env)
    # Leave nothing for autovacuum to do in the middle of a measurement.
    run("vacuumdb", *PG, "--analyze", "--quiet", DATABASE)


def in_process_checks(env) -> dict:
    """What one instrumented request costs: queries on a cache miss and on a hit, timed search
    queries, and the admin changelists editors open, all against the benchmark database."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from therapies.editions import edition_clock
    from therapies.models import PublishedPage
    from therapies.page_cache import local_pages

    found = {}
    client = Client(SERVER_NAME="127.0.0.1")
    therapy_html = client.get(THERAPY).content
    static_copy = ROOT / "staticfiles" / STATIC_COPY
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    static_copy.write_bytes(therapy_html)  # the same bytes, served as a file
    found["page bytes"] = len(therapy_html)
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        found["a"] = [0, 0]  # whitenoise answers before Django's views and the database
        for key, (_, path) in list(TARGETS.items())[1:]:
            counts = []
            local_pages.clear()
            edition_clock.forget()
            for _ in range(2):  # a miss, then a hit
                with CaptureQueriesContext(connection) as queries:
                    status = client.get(path).status_code
                assert status == 200, (path, status)
                counts.append(len(queries))
            found[key] = counts
    timings = []
    for prefix in ["ra", "zo", "imatinib", "glivec", "gist", "tiredness", "ma ti", "sarcoma"]:
        for _ in range(3):
            started = time.perf_counter()
            results = PublishedPage.objects.therapies().matching(prefix)
            list(results[:20])
            results.count()
            timings.append((time.perf_counter() - started) * 1000)
    found["search ms"] = (statistics.median(timings), max(timings))
    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass")
    client.force_login(admin)
    found["admin ms"] = {}
    for path in [
        "/admin/",
        "/admin/therapies/therapy/",
        "/admin/therapies/therapy/?q=tinib",
        "/admin/therapies/publishedpage/",
        "/admin/reviews/pagereview/",
        "/admin/reviews/auditevent/",
    ]:
        client.get(path)
        started = time.perf_counter()
        assert client.get(path).status_code == 200, path
        found["admin ms"][path] = (time.perf_counter() - started) * 1000
    connection.close()
    return found


class Server:
    """`make serve` in its own process group, with its workers' memory sampled."""

    def __init__(self, env):
        self.pidfile = ROOT / "benchmarks" / ".gunicorn.pid"
        self.pidfile.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit("make serve did not start")
            time.sleep(0.3)
        self.peak_kb: dict[int, int] = {}
        self.sampling = True
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def workers(self) -> list[int]:
        master = int(self.pidfile.read_text())
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]

    def sample(self):
        while self.sampling:
            for pid in self.workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), peak)
            time.sleep(0.25)

    def stop(self):
        self.sampling = False
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


def wrk(key: str, seconds: int) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    script = None
    if key == "g":
        script = ROOT / "benchmarks" / ".search.lua"
        script.write_text(SEARCH_SCRIPT)
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{PORT}{TARGETS[key][1]}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    # Let the workers finish what wrk left queued before the next measurement starts.
    time.sleep(2)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, failed.groups())) if failed else 0,
    }


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def main():
    need_wrk()
    need_postgresql()
    env = bench_environment()
    build_database(env)
    checks = in_process_checks(env)
    server = Server(env)
    try:
        print(f"Warming up ({len(server.workers())} gunicorn workers)...")
        for key in TARGETS:
            wrk(key, 2)
        runs = {key: [] for key in TARGETS}
        for round_number in range(1, ROUNDS + 1):
            print(f"Round {round_number} of {ROUNDS}: ", end="", flush=True)
            for key in TARGETS:
                runs[key].append(wrk(key, SECONDS))
                print(key, end=" ", flush=True)
            print()
    finally:
        server.stop()
    report(runs, checks, server.peak_kb, env)


def report(runs, checks, peak_kb, env):
    static = [run["rps"] for run in runs["a"]]
    print()
    print(
        f"{THERAPIES:,} generated therapies + the seed, PostgreSQL, "
        f"{'Redis' if 'REDIS_URL' in env else 'local-memory'} cache; gunicorn "
        f"({os.cpu_count()} cores); wrk -t2 -c{CONNECTIONS}, {ROUNDS} interleaved rounds of "
        f"{SECONDS} s; therapy page {checks['page bytes']:,} bytes."
    )
    header = (
        f"{'':2} {'target':34} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>7} {'queries miss/hit':>16}"
    )
    print(header)
    print("-" * len(header))
    for key, (label, _) in TARGETS.items():
        rps = statistics.mean(run["rps"] for run in runs[key])
        # The ratio of each round's figures, averaged: both were measured minutes apart.
        ratio = statistics.mean(
            run["rps"] / base for run, base in zip(runs[key], static, strict=True)
        )
        p50 = statistics.mean(run["p50"] for run in runs[key])
        p99 = max(run["p99"] for run in runs[key])
        errors = sum(run["non_2xx"] + run["socket_errors"] for run in runs[key])
        miss, hit = checks[key]
        print(
            f"{key:2} {label:34} {rps:8.0f} {ratio:6.2f} {p50:7.2f} {p99:7.2f} "
            f"{errors:7d} {f'{miss} / {hit}':>16}"
        )
    per_round = "; ".join(
        " ".join(f"{key}={runs[key][i]['rps']:.0f}" for key in TARGETS) for i in range(ROUNDS)
    )
    print(f"\nEach round's req/s: {per_round}")
    median, worst = checks["search ms"]
    print(f"Search query at {THERAPIES:,} therapies: median {median:.1f} ms, worst {worst:.1f} ms")
    print(
        "Admin pages (second request): "
        + ", ".join(f"{path} {ms:.0f} ms" for path, ms in checks["admin ms"].items())
    )
    if peak_kb:
        megabytes = sorted(kb / 1024 for kb in peak_kb.values())
        print(
            f"gunicorn workers seen: {len(megabytes)}; peak memory per worker: "
            f"{megabytes[0]:.0f}-{megabytes[-1]:.0f} MB (median {statistics.median(megabytes):.0f})"
        )


if __name__ == "__main__":
    main()
