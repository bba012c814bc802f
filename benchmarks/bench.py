"""How fast the public site is next to a static file, served the way production serves it.

`make bench` runs this. It builds a PostgreSQL database with the seed and 10,000 generated
therapies, starts the app with `make serve` (gunicorn, whitenoise, the shared Redis cache when
Redis is up), and measures each page with wrk, interleaved and repeated, beside a static file of
the same size served by whitenoise through the same gunicorn. It prints one table; the figures
are compared within the run, never with another run (the machine is shared and noisy).

Before the server starts, it also times the search queries themselves in one process: drug
names spelt right and with one or two wrong letters, through the therapy list and the site
search, and prints the plans PostgreSQL chose for one of each.

Settings, from the environment: BENCH_THERAPIES (10000), BENCH_SECONDS (10 per measurement),
BENCH_ROUNDS (2), BENCH_CONNECTIONS (16), BENCH_PORT (8765), BENCH_DATABASE (sarcomainfo_bench),
BENCH_PACK_SAMPLE (200: pages of the evidence pack timed with every PDF made), BENCH_PACK_CHANGED
(5: the percentage of pages whose records changed since their PDFs were drawn).

Last, it times the assessor's pack (`manage.py evidence_pack`): drawing records' PDFs, on a sample
of pages, and the pack of every page once each page's final approval has drawn its record's PDF
and readers have since given feedback on some pages, whose records the pack draws again.
"""

import os
import random
import re
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
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
PACK_SAMPLE = int(os.environ.get("BENCH_PACK_SAMPLE", "200"))
PACK_CHANGED_PERCENT = int(os.environ.get("BENCH_PACK_CHANGED", "5"))
PACK_TARGET_SECONDS = 300

THERAPY = "/therapies/imatinib/"
TARGETS = {
    "a": ("static file, same size as (b)", f"/static/{STATIC_COPY}"),
    "b": ("therapy page", THERAPY),
    "c": ("therapy list, two filters", "/therapies/?condition=generated-condition-7&form=tablets"),
    "d": ("seed topic page", "/topics/targeted-therapies-soft-tissue-sarcoma/"),
    "e": ("home page", "/"),
    "f": ("search, one query repeated", "/therapies/?q=imatinib"),
    "g": ("search, a new query each request", "/therapies/?q=ra"),
    "h": ("site search, a new query each request", "/search/?q=ra"),
}
# Each request of (g) and (h) searches for a different drug-name prefix and is never cached:
# the worst case, as when every reader types something new.
RANDOM_SEARCHES = {"g": "/therapies/", "h": "/search/"}
SEARCH_SCRIPT = """
local syllables = {"ra", "zo", "ti", "ne", "ma", "lu", "ve", "do", "ki", "pa", "so", "re"}
local n = 0
request = function()
  n = n + 1
  local q = syllables[math.random(12)] .. syllables[math.random(12)]
  return wrk.format("GET", path .. "?q=" .. q .. "&n=" .. n .. "-" .. math.random(1e9))
end
"""

# The in-process search timings: drug names picked from the generated ones and misspelt the same
# way in every run (the generated names are the same for the same BENCH_THERAPIES).
SEARCH_SEED = 2026
SEARCH_NAMES = 50
SEARCH_PASSES = 3  # timed, after one untimed pass
SEARCH_TARGET_MS = 50  # a misspelt search, at the 95th percentile
READERS_WORDS = ["ra", "zo", "imatinib", "glivec", "gist", "tiredness", "ma ti", "sarcoma"]
# What the therapy list reads of each result (views.therapy_list): never the documents.
LIST_FIELDS = ("kind", "slug", "title", "result_title", "result_summary")
LIST_PAGE = 20


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
    found.update(search_checks())
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


def misspell(name: str, how: int, rng: random.Random) -> str:
    """`name` with one wrong letter (how 0), two letters swapped (1) or two wrong letters (2),
    never the first or last letter of the name, nor its generated number."""
    letters = len(name.rstrip(string.digits))
    while True:
        word = list(name)
        if how == 1:
            i = rng.randrange(1, letters - 2)
            word[i], word[i + 1] = word[i + 1], word[i]
        else:
            for i in rng.sample(range(1, letters - 1), how or 1):
                word[i] = rng.choice(string.ascii_lowercase.replace(word[i], ""))
        if word != list(name):
            return "".join(word)


def search_checks() -> dict:
    """The search queries alone, as the therapy list (/therapies/?q=) and the site search
    (/search/?q=) make them, timed; whether a misspelt drug name still finds the drug; and the
    plans of one strict and one near-spelling query."""
    from django.conf import settings
    from django.db import connection

    from therapies import search
    from therapies.models import PublishedPage

    rng = random.Random(SEARCH_SEED)
    generated = PublishedPage.objects.therapies().filter(slug__startswith="generated-")
    titles = sorted(generated.values_list("slug", "title"))
    picked = rng.sample(titles, min(SEARCH_NAMES, len(titles)))
    names = [(slug, title.casefold()) for slug, title in picked]
    misspelt = [(slug, misspell(name, i % 3, rng)) for i, (slug, name) in enumerate(names)]
    words = [(None, word) for word in READERS_WORDS]

    def therapy_list(text):
        found = search.find(PublishedPage.objects.therapies(), text, in_body=False)
        shown = list(found.pages.only(*LIST_FIELDS)[:LIST_PAGE])
        found.pages.count()
        return found, [page.slug for page in shown]

    def site_search(text):
        # What the site search page reads: how many of each kind, and the best of each.
        found = search.find(PublishedPage.objects.all(), text, in_body=True)
        groups = search.by_kind(found.pages, settings.SEARCH_RESULTS_PER_GROUP)
        return found, [page.slug for page in groups.get("therapy", (0, []))[1]]

    sets = {
        ("therapy list", "names spelt right"): (therapy_list, names),
        ("therapy list", "names misspelt"): (therapy_list, misspelt),
        ("therapy list", "readers' words"): (therapy_list, words),
        ("site search", "names spelt right"): (site_search, names),
        ("site search", "names misspelt"): (site_search, misspelt),
        ("site search", "readers' words"): (site_search, words),
    }
    load = os.getloadavg()[0]  # what else the machine was doing: the figures are not alone
    timings = {key: [] for key in sets}
    results = {}
    for timed in [False] + [True] * SEARCH_PASSES:  # the first pass fills caches, untimed
        for key, (page, queries) in sets.items():
            for slug, text in queries:
                started = time.perf_counter()
                found, shown = page(text)
                elapsed = (time.perf_counter() - started) * 1000
                if timed:
                    timings[key].append(elapsed)
                results[key, text] = (slug, found.near, shown)
    figures = {}
    for key, (_, queries) in sets.items():
        ms = sorted(timings[key])
        found_it = [results[key, text] for slug, text in queries if slug]
        figures[key] = {
            "queries": len(queries),
            "median": statistics.median(ms),
            "p95": statistics.quantiles(ms, n=20, method="inclusive")[-1],
            "max": ms[-1],
            "near": sum(near for _, near, _ in (results[key, text] for _, text in queries)),
            "found": sum(slug in shown for slug, _, shown in found_it),
            "first": sum(bool(shown) and shown[0] == slug for slug, _, shown in found_it),
        }
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        threshold = cursor.fetchone()[0]
    (_, right), (_, wrong) = names[0], misspelt[0]
    plans = {}
    for text in [right, wrong]:
        found = search.find(PublishedPage.objects.therapies(), text, in_body=False)
        query = found.pages.only(*LIST_FIELDS)[:LIST_PAGE]
        kind = "near spelling" if found.near else "strict"
        plans[f"{kind}, therapy list, q={text}"] = query.explain(analyze=True, buffers=True)
    return {
        "search": figures,
        "search examples": [
            (name, wrong) for (_, name), (_, wrong) in zip(names, misspelt, strict=True)
        ],
        "search threshold": threshold,
        "search load": load,
        "search plans": plans,
    }


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
                peak = re.search(r"VmHWM:\s+(\d+)", status)
                if peak:  # not while a recycled worker exits (a zombie has no memory)
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(peak.group(1)))
            time.sleep(0.25)

    def stop(self):
        self.sampling = False
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


def peak_memory_kb(pid: int) -> int:
    """The most memory any process of the tree under `pid` has held so far (VmHWM)."""
    peak, waiting = 0, [pid]
    while waiting:
        current = waiting.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+)", status)
        peak = max(peak, int(found.group(1)) if found else 0)
        waiting += [int(child) for child in children]
    return peak


def timed_pack(env, *options) -> dict:
    """`manage.py evidence_pack` with `options`, timed, its processes' memory sampled."""
    out = Path(env["RECORD_PDF_DIR"]) / "pack.zip"
    command = [PYTHON, "manage.py", "evidence_pack", str(out), "--no-progress", *options]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, peak_memory_kb(process.pid))
        time.sleep(0.2)
    if process.returncode:
        sys.exit(f"evidence_pack failed: {' '.join(command)}")
    written = re.search(r"records of (\d+)", process.stdout.read())
    return {
        "seconds": time.monotonic() - started,
        "pages": int(written.group(1)),
        "peak MB": peak / 1024,
        "zip MB": out.stat().st_size / 1e6,
    }


# Keeps a PDF for each record the pack will write, a copy of a real one drawn in the sample,
# under the record's own fingerprint: what each page's final approval leaves (the generated
# pages were published without one).
KEEP_PDFS = """
import sys, django
django.setup()
from pathlib import Path
from django.core.management import call_command
from reviews import evidence
kept = next(Path(sys.argv[1]).glob("*.pdf")).read_bytes()
evidence._pdf_of = lambda html: kept
call_command("evidence_pack", sys.argv[2], "--no-progress")
"""

# A reader's feedback on every n-th published page: those pages' records have changed since
# their PDFs were drawn.
FEEDBACK_ON_SOME = """
import sys, django
django.setup()
from therapies.models import Feedback, PublishedPage
pages = PublishedPage.objects.order_by("kind", "sort_name", "pk")
every = int(sys.argv[1])
Feedback.objects.bulk_create(
    Feedback(kind=kind, object_id=object_id, page_title=title, revision_id=revision, helpful=True)
    for kind, object_id, title, revision in list(
        pages.values_list("kind", "object_id", "title", "revision")
    )[::every]
)
"""


def pack_checks(env) -> dict:
    """The assessor's pack at this size. A record's PDF is drawn when its page gets final
    approval, and kept (named by its HTML's fingerprint); the pack draws again only records
    that changed since. Measured: drawing, on a sample of pages with no PDF yet; then the pack
    of every page, each PDF kept from its approval, after readers gave feedback on
    PACK_CHANGED_PERCENT of the pages. Run after the server's measurements, on the same cores,
    so neither disturbs the other."""
    folder = Path(tempfile.mkdtemp(prefix="bench-record-pdfs-"))
    env = {**env, "RECORD_PDF_DIR": str(folder)}
    every = round(100 / PACK_CHANGED_PERCENT)
    try:
        print(f"Evidence pack: the first {PACK_SAMPLE} records, each PDF drawn...")
        drawn = timed_pack(env, "--pages", str(PACK_SAMPLE))
        run(PYTHON, "-c", KEEP_PDFS, str(folder), str(folder / "keep.zip"), env=env, quiet=True)
        run(PYTHON, "-c", FEEDBACK_ON_SOME, str(every), env=env, quiet=True)
        print(f"Evidence pack: every page, feedback since on one in {every}...")
        whole = timed_pack(env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"drawn": drawn, "whole": whole, "every": every}


def report_pack(pack):
    drawn, whole, every = pack["drawn"], pack["whole"], pack["every"]
    per_page = drawn["seconds"] / drawn["pages"]
    changed = whole["pages"] // every + (whole["pages"] % every > 0)
    print(
        f"\nEvidence pack (manage.py evidence_pack, {os.cpu_count()} worker processes):\n"
        f"  records drawn (at final approval, or by a pack): {drawn['pages']} in "
        f"{drawn['seconds']:.0f} s, {per_page:.2f} s a record; peak memory "
        f"{drawn['peak MB']:.0f} MB\n"
        f"  the pack of {whole['pages']:,} pages, {changed:,} of them changed since approval "
        f"(feedback) and drawn again: {whole['seconds']:.0f} s, {whole['zip MB']:.0f} MB "
        f"written; peak memory {whole['peak MB']:.0f} MB\n"
        f"  a site's first pack with no PDF drawn before (pages published before PDFs were "
        f"drawn at approval): about {per_page * whole['pages'] / 60:.0f} min, once"
    )
    verdict = "PASS" if whole["seconds"] < PACK_TARGET_SECONDS else "FAIL"
    print(
        f"{verdict}  the pack of every page: {whole['seconds']:.0f} s "
        f"(target: under {PACK_TARGET_SECONDS} s)"
    )
    grew = whole["peak MB"] - drawn["peak MB"]
    print(
        f"Memory: {drawn['pages']} pages {drawn['peak MB']:.0f} MB, {whole['pages']:,} pages "
        f"{whole['peak MB']:.0f} MB ({grew:+.0f} MB for {whole['pages'] / drawn['pages']:.0f} "
        f"times the pages)"
    )


def wrk(key: str, seconds: int) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if key in RANDOM_SEARCHES:
        script = ROOT / "benchmarks" / ".search.lua"  # one measurement at a time
        script.write_text(f'local path = "{RANDOM_SEARCHES[key]}"\n{SEARCH_SCRIPT}')
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
    pack = pack_checks(env)
    report(runs, checks, server.peak_kb, env)
    report_pack(pack)


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
        f"{'':2} {'target':37} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
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
            f"{key:2} {label:37} {rps:8.0f} {ratio:6.2f} {p50:7.2f} {p99:7.2f} "
            f"{errors:7d} {f'{miss} / {hit}':>16}"
        )
    per_round = "; ".join(
        " ".join(f"{key}={runs[key][i]['rps']:.0f}" for key in TARGETS) for i in range(ROUNDS)
    )
    print(f"\nEach round's req/s: {per_round}")
    report_search(checks)
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
    print()
    for title, plan in checks["search plans"].items():
        print(f"EXPLAIN (ANALYZE, BUFFERS), {title}:")
        print("    " + plan.replace("\n", "\n    "))


def report_search(checks):
    figures = checks["search"]
    examples = ", ".join(f"{right} > {wrong}" for right, wrong in checks["search examples"][:4])
    print(
        f"\nSearch queries at {THERAPIES:,} therapies, in one process, {SEARCH_PASSES} passes "
        f"after an untimed one (find() and what the page reads; word similarity threshold "
        f"{checks['search threshold']}; load average {checks['search load']:.2f}). "
        f"Misspelt: {examples}, ..."
    )
    header = (
        f"{'page':13} {'queries':28} {'median ms':>9} {'p95 ms':>7} {'max ms':>7} "
        f"{'near':>5} {'drug found':>10} {'first':>6}"
    )
    print(header)
    print("-" * len(header))
    for (page, kind), f in figures.items():
        named = kind != "readers' words"
        print(
            f"{page:13} {f'{kind} ({f["queries"]})':28} {f['median']:9.1f} {f['p95']:7.1f} "
            f"{f['max']:7.1f} {f['near']:5d} "
            f"{f'{f["found"]}/{f["queries"]}' if named else '':>10} "
            f"{f'{f["first"]}/{f["queries"]}' if named else '':>6}"
        )
    for page in ["therapy list", "site search"]:
        f = figures[page, "names misspelt"]
        verdict = "PASS" if f["p95"] < SEARCH_TARGET_MS else "FAIL"
        print(
            f"{verdict}  {page}: a misspelt drug name answers in {f['p95']:.1f} ms at the 95th "
            f"percentile (target: under {SEARCH_TARGET_MS} ms); it finds the drug "
            f"{f['found'] / f['queries']:.0%} of the time"
        )


if __name__ == "__main__":
    main()
