"""Load and faults against the app served as in production: gunicorn and PostgreSQL.

`make soak` runs the long form; `.ci/run` runs `benchmarks/soak.py --short`. Three phases, one
server, one database:

1. Load: wrk over a mix of public pages (every published page from the sitemap, the home page,
   the list with filters, searches, the glossary, the feed, the sitemap). No error of any kind
   is allowed; it reports requests per second, p50 and p99.
2. PostgreSQL restarted under load: readers get pages or a friendly 503 while it is down (never
   a 500, a traceback or a dropped connection), every request made 5 s after it is back
   succeeds, and no worker is left broken. An editor's save during the outage is refused
   clearly; the same save, retried, is kept. Afterwards the database holds exactly that one
   revision and its audit entry, and nothing half-written.
3. A gunicorn worker killed mid-request: the master replaces it, the others keep serving, and
   only the killed worker's own request may fail.

PostgreSQL is a cluster of the script's own, made with this machine's binaries in a temporary
directory on a free port: the machine's shared server is in use by other test runs, which
stopping it would break. Pages are shared in Redis when it runs here, as in production, on a
database number of their own (2); a new database means a new edition of the site, so no page
of another run is ever found there. SOAK_REDIS_URL=none keeps pages in each worker's memory
only: the harder case for an outage, as each worker then has only the pages it made itself.

It prints the figures and every check with PASS or FAIL and why, and exits 1 if any failed.

Settings, from the environment (the --short values in brackets): SOAK_SECONDS, the phase 1
load (60; 10), SOAK_CONNECTIONS (64), SOAK_THERAPIES generated on top of the seed (1000; 200),
SOAK_OUTAGE_SECONDS PostgreSQL stays down (5; 3), SOAK_STOP_MODE for pg_ctl stop (fast, or
immediate: a crash), SOAK_CLIENTS, the threads loading phases 2 and 3 (16), SOAK_REDIS_URL
(redis://127.0.0.1:6379/2 when Redis answers there; none: no Redis).
"""

import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import milliseconds, need_wrk, reachable  # noqa: E402
from tests.admin_forms import form_data  # noqa: E402
from tests.servers import Browser, Gunicorn, free_port  # noqa: E402

SHORT = "--short" in sys.argv[1:]
SECONDS = int(os.environ.get("SOAK_SECONDS", "10" if SHORT else "60"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "64"))
THERAPIES = int(os.environ.get("SOAK_THERAPIES", "200" if SHORT else "1000"))
OUTAGE_SECONDS = float(os.environ.get("SOAK_OUTAGE_SECONDS", "3" if SHORT else "5"))
STOP_MODE = os.environ.get("SOAK_STOP_MODE", "fast")
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "16"))
DEFAULT_REDIS = "redis://127.0.0.1:6379/2"  # bench.py uses /1, tests/test_two_instances.py /0
# The promise: full recovery within this long of PostgreSQL accepting connections.
RECOVERY_SECONDS = 5.0
# After a worker is killed, everything must be back to normal within this long.
REPLACEMENT_SECONDS = 2.0

DATABASE = "sarcomainfo"
EDITOR = ("editor", "demo-editor-pass")  # reviews/management/commands/create_demo_accounts.py
CHANGE_SUMMARY = "Soak test: saved during a database outage, then retried."
NEW_SUMMARY = "Imatinib is a targeted therapy taken as a tablet (saved by the soak test)."
UNIQUE = "{n}"  # in a path: replaced by a new number on each request, so never cached
FRONT_PAGES = [
    "/",
    "/topics/targeted-therapies-soft-tissue-sarcoma/",
    "/therapies/imatinib/",
    "/therapies/sunitinib/",
    "/therapies/larotrectinib/",
    "/side-effects/tiredness/",
    "/side-effects/diarrhoea/",
    "/glossary/",
    "/feed/",
    "/sitemap.xml",
    "/therapies/",
    "/therapies/?condition=gastrointestinal-stromal-tumour&form=tablets",
    "/therapies/?condition=generated-condition-7&form=generated-tablets",
    "/therapies/?letter=P",
    "/therapies/?page=2",
    "/therapies/?q=imatinib",
    "/therapies/?q=tiredness",
    "/therapies/?q=glivec",
]
# A search nobody made before: rendered in full and read from the database every time.
NEW_SEARCH = f"/therapies/?q=tinib&n={UNIQUE}"


class PrivatePostgres:
    """A PostgreSQL cluster of our own, which we may stop and start as we like."""

    def __init__(self, directory: Path):
        self.bin = postgres_binaries()
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        # initdb refuses to run as root; as root, the cluster belongs to the postgres user.
        self.as_owner = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(directory, owner.pw_uid, owner.pw_gid)
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.owner(
            "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        self.start()

    def owner(self, program: str, *args) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin / program), *map(str, args)],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self.owner(
            "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.directory / "postgresql.log",
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.owner("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def accepting(self) -> bool:
        ready = [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(ready, check=False).returncode == 0

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def query(self, sql: str) -> list[list[str]]:
        command = [
            str(self.bin / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            DATABASE,
            "-X",
            "-q",
            "-tA",
            "-F",
            "\t",
            "-c",
            sql,
        ]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in output.splitlines() if line]

    def value(self, sql: str) -> int:
        return int(self.query(sql)[0][0])

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [
                    *self.as_owner,
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


def postgres_binaries() -> Path:
    """This machine's newest PostgreSQL server binaries (Debian keeps them off the PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if (Path(bindir.stdout.strip()) / "initdb").exists():
            return Path(bindir.stdout.strip())
    sys.exit("The soak test needs PostgreSQL's server binaries (initdb, pg_ctl).")


def redis_url() -> str:
    url = os.environ.get("SOAK_REDIS_URL", "")
    if url == "none":
        return ""
    if url:
        return url
    return DEFAULT_REDIS if reachable(6379) else ""


def production_environment(database_url: str, redis: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sarcomainfo.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis,
        # Plain HTTP on loopback, as behind a proxy that ends TLS: no redirect to HTTPS, and
        # the editor's cookies must travel over HTTP.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def build_database(pg: PrivatePostgres, env: dict[str, str]) -> None:
    def manage(*args, debug=False):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**env, "DJANGO_DEBUG": "1"} if debug else env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    subprocess.run(
        [
            str(pg.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(pg.port),
            "-U",
            "postgres",
            DATABASE,
        ],
        check=True,
    )
    manage("migrate", "--no-input", "-v0")
    manage("load_seed_content")
    manage("create_demo_accounts", debug=True)  # refused with DEBUG off, by design
    manage("generate_demo_content", "--therapies", str(THERAPIES))
    manage("collectstatic", "--no-input", "-v0")
    pg.query("VACUUM ANALYZE")


# --- Requests, one at a time and recorded --------------------------------------------------


@dataclass
class Result:
    started: float
    ended: float
    path: str
    status: int  # 0: no HTTP answer at all
    error: str = ""
    retry_after: str = ""
    title: str = ""
    traceback: bool = False
    friendly: bool = False


numbers = count()


def get(port: int, path: str) -> Result:
    path = path.replace(UNIQUE, str(next(numbers)))
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return Result(started, time.monotonic(), path, 0, error=type(error).__name__)
    finally:
        connection.close()
    title = re.search(r"<title>\s*(.*?)\s*</title>", body, re.S)
    return Result(
        started,
        time.monotonic(),
        path,
        response.status,
        retry_after=response.getheader("Retry-After", ""),
        title=title.group(1)[:60] if title else body[:60],
        traceback="Traceback" in body,
        friendly="Please try again in a moment" in body,
    )


class Load:
    """Threads asking for the pages in turn, as fast as the server answers, every request
    recorded with when it started and ended."""

    def __init__(self, port: int, paths: list[str]):
        self.port = port
        self.paths = paths
        self.results: list[Result] = []
        self.running = True
        self.threads = [
            threading.Thread(target=self.ask, args=(offset,), daemon=True)
            for offset in range(CLIENTS)
        ]
        for thread in self.threads:
            thread.start()

    def ask(self, offset: int) -> None:
        for n in count(offset * 7):
            if not self.running:
                return
            self.results.append(get(self.port, self.paths[n % len(self.paths)]))

    def stop(self) -> list[Result]:
        self.running = False
        for thread in self.threads:
            thread.join()
        return sorted(self.results, key=lambda r: r.started)


def statuses(results: list[Result]) -> str:
    counts = Counter(r.status if r.status else r.error for r in results)
    return ", ".join(f"{key}: {n}" for key, n in sorted(counts.items(), key=str)) or "none"


# --- The checks ----------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.figures: list[tuple[str, str]] = []
        self.checks: list[tuple[str, bool, str]] = []

    def figure(self, name: str, value: str) -> None:
        self.figures.append((name, value))
        print(f"  {name}: {value}", flush=True)

    def check(self, name: str, passed: bool, reason: str) -> bool:
        self.checks.append((name, passed, reason))
        print(f"  {'PASS' if passed else 'FAIL'} {name}: {reason}", flush=True)
        return passed

    def print(self) -> bool:
        print("\n" + "=" * 100)
        for name, value in self.figures:
            print(f"{name:44} {value}")
        print("-" * 100)
        for name, passed, reason in self.checks:
            print(f"{'PASS' if passed else 'FAIL'}  {name:48} {reason}")
        failed = sum(not passed for _, passed, _ in self.checks)
        print("-" * 100)
        print(f"{len(self.checks) - failed} of {len(self.checks)} checks passed.")
        return not failed


def workers(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def inside_a_request(pids: list[int], port: int) -> list[int]:
    """The workers holding a reader's connection at this moment. ss asks the kernel for just
    those connections: reading /proc/net/tcp, full of closed connections after a minute of
    load, takes longer than a cached page takes to serve."""
    if not shutil.which("ss"):
        return []
    found = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
    ).stdout
    busy = {int(pid) for pid in re.findall(r"pid=(\d+)", found)}
    return [pid for pid in pids if pid in busy]


def sitemap_paths(port: int) -> list[str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/sitemap.xml")
    xml = connection.getresponse().read().decode()
    return re.findall(r"<loc>https?://[^/<]+(/[^<]*)</loc>", xml)


def wrk_script(paths: list[str]) -> str:
    listed = ",\n".join(f'  "{path}"' for path in paths)
    return f"""
local paths = {{
{listed}
}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
request = function()
  n = n + 1
  local path = paths[(n % #paths) + 1]:gsub("{{n}}", id .. "-" .. n)
  return wrk.format("GET", path)
end
"""


def phase_load(report: Report, port: int, directory: Path, pages: list[str]) -> None:
    """wrk over every published page and the pages readers start from."""
    paths = []
    for i, page in enumerate(pages):
        paths.append(page)
        # Real readers land on the front pages far more often than on any one drug.
        if i % 4 == 0:
            paths.append(FRONT_PAGES[(i // 4) % len(FRONT_PAGES)])
        if i % 50 == 0:
            paths.append(NEW_SEARCH)
    script = directory / "pages.lua"
    script.write_text(wrk_script(paths))
    report.figure("phase 1 addresses in rotation", f"{len(paths)} ({len(pages)} from the sitemap)")
    # Each page once, as readers would have asked for it before: the figures are then those of
    # serving pages, not of making every page for the first time in the first seconds.
    warmed = ask_each(port, sorted(set(paths)))
    report.figure("phase 1 warm-up, each address once", statuses(warmed))
    report.check(
        "load: every address answers",
        all(r.status == 200 for r in warmed),
        f"{len(warmed)} addresses: {statuses(warmed)}"
        + "".join(f"; {r.path} {r.status or r.error}" for r in warmed if r.status != 200)[:300],
    )
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    print(f"  $ {' '.join(command)}", flush=True)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    (directory / "wrk.txt").write_text(output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        p: milliseconds(re.search(rf"{p}%\s+([\d.]+\w+)", output).group(1))
        for p in ("50", "90", "99")
    }
    highest = milliseconds(re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+\w+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    non_2xx = int(non_2xx.group(1)) if non_2xx else 0
    failed = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(map(int, failed.groups())) if failed else 0
    report.figure("phase 1 requests", f"{requests:,} in {SECONDS} s at {CONNECTIONS} connections")
    report.figure("phase 1 requests per second", f"{rps:,.0f}")
    # The machine is shared: what else ran shows in the load average.
    report.figure("phase 1 load average after", " ".join(f"{n:.2f}" for n in os.getloadavg()))
    report.figure(
        "phase 1 latency",
        f"p50 {latency['50']:.1f} ms, p90 {latency['90']:.1f} ms, p99 {latency['99']:.1f} ms, "
        f"max {highest:.1f} ms",
    )
    report.figure(
        "phase 1 errors",
        f"non-2xx {non_2xx}, socket errors {socket_errors}"
        + (f" ({failed.group(0)})" if failed else ""),
    )
    report.check(
        "load: no errors",
        requests > 0 and non_2xx == 0 and socket_errors == 0,
        f"{requests:,} requests, {non_2xx} non-2xx, {socket_errors} socket errors",
    )


def outage_paths(pages: list[str]) -> list[str]:
    """A few pages, each asked for often (so workers have them cached when PostgreSQL goes),
    and a new search in every few requests, which always needs the database."""
    generated = [page for page in pages if "/generated-" in page]
    paths = []
    for page in [*FRONT_PAGES, *generated[:: max(1, len(generated) // 4)][:4]]:
        paths += [page, NEW_SEARCH] if len(paths) % 6 == 0 else [page]
    return paths


def ask_each(port: int, paths: list[str], threads: int = 8) -> list[Result]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda path: get(port, path), paths))


def editor_opens_imatinib(browser: Browser, pg: PrivatePostgres) -> tuple[str, dict]:
    status = browser.log_in(*EDITOR)
    if status != 302:
        raise RuntimeError(f"the editor could not log in: {status}")
    # By its id: among generated therapies, a search for it need not list it first.
    therapy = pg.value("SELECT id FROM therapies_therapy WHERE slug = 'imatinib'")
    url = f"/admin/therapies/therapy/{therapy}/change/"
    status, _, form = browser.request(url)
    data = form_data(form)
    if status != 200 or data.get("generic_name") != ["imatinib"]:
        raise RuntimeError(f"the editor could not open imatinib's form: {status}")
    data.update(summary=[NEW_SUMMARY], change_summary=[CHANGE_SUMMARY])
    return url, data


def save(browser: Browser, url: str, form: dict) -> tuple[int, dict, str]:
    try:
        return browser.request(url, form)
    except OSError as error:
        return 0, {}, f"no answer: {error!r}"


def counts(pg: PrivatePostgres) -> dict[str, int]:
    tables = {
        "revisions": "reversion_revision",
        "versions": "reversion_version",
        "audit entries": "reviews_auditevent",
        "sign-offs": "reviews_signoff",
        "review requests": "reviews_reviewrequest",
        "publications": "reviews_publication",
    }
    return {name: pg.value(f"SELECT count(*) FROM {table}") for name, table in tables.items()}


def phase_outage(report: Report, pg: PrivatePostgres, server: Gunicorn, paths: list[str]):
    """PostgreSQL stopped and started under load, with an editor saving in the middle."""
    master = server.process.pid
    before_workers = len(workers(master))
    before = counts(pg)
    browser = Browser(server.port)
    url, form = editor_opens_imatinib(browser, pg)

    load = Load(server.port, paths)
    time.sleep(3)  # every worker makes and keeps the pages
    stopping = time.monotonic()
    pg.stop(STOP_MODE)
    down = time.monotonic()
    print(f"  PostgreSQL stopped (-m {STOP_MODE}) in {down - stopping:.2f} s", flush=True)
    refused = save(browser, url, form)
    time.sleep(max(0.0, down + OUTAGE_SECONDS - time.monotonic()))
    pg.start()
    while not pg.accepting():
        time.sleep(0.05)
    up = time.monotonic()
    print(f"  PostgreSQL accepting connections again after {up - down:.2f} s down", flush=True)
    time.sleep(RECOVERY_SECONDS)
    retried = save(browser, url, form)
    time.sleep(3)  # more requests, well after the recovery window
    results = load.stop()

    before_stop = [r for r in results if r.ended < stopping]
    after = [r for r in results if r.started >= up + RECOVERY_SECONDS]
    during = [r for r in results if r.ended >= stopping and r.started < up + RECOVERY_SECONDS]
    unavailable = [r for r in during if r.status == 503]
    bad_503 = [r for r in unavailable if not (r.friendly and r.retry_after and not r.traceback)]
    not_allowed = [r for r in during if r.status not in (200, 503)]
    failures = [r for r in results if r.status != 200]
    last_failure = max((r.started for r in failures), default=None)
    down_and_new = [r for r in results if stopping <= r.started < up and "&n=" in r.path]

    report.figure("phase 2 requests", f"{len(results):,} by {CLIENTS} threads, {statuses(results)}")
    report.figure("phase 2 PostgreSQL down", f"{up - down:.1f} s (pg_ctl stop -m {STOP_MODE})")
    report.figure("phase 2 before the stop", statuses(before_stop))
    report.figure("phase 2 from the stop to 5 s after", statuses(during))
    report.figure(f"phase 2 from {RECOVERY_SECONDS:.0f} s after", statuses(after))
    if last_failure is not None:
        report.figure("phase 2 last failed request started", f"{last_failure - up:+.2f} s from up")
    for r in (unavailable or not_allowed)[:1]:
        report.figure(
            "phase 2 a refused reader got", f"{r.status} {r.title!r} Retry-After {r.retry_after}"
        )

    report.check(
        "outage: all 200 before the stop",
        bool(before_stop) and all(r.status == 200 for r in before_stop),
        statuses(before_stop),
    )
    report.check(
        "outage: only 200 or 503 while down",
        not not_allowed,
        f"{len(during)} requests: {statuses(during)}"
        + (f"; first bad: {not_allowed[0]}" if not_allowed else ""),
    )
    report.check(
        "outage: 503s friendly, with Retry-After",
        bool(unavailable) and not bad_503,
        f"{len(unavailable)} 503s, {len(bad_503)} without the text or Retry-After or with a "
        f"traceback; {len(down_and_new)} new searches asked while down"
        + ("" if unavailable else " (no 503 seen: the outage was not exercised)"),
    )
    report.check(
        f"outage: all 200 from {RECOVERY_SECONDS:.0f} s after",
        bool(after) and all(r.status == 200 for r in after),
        f"{len(after)} requests: {statuses(after)}; last failure started "
        + (f"{last_failure - up:+.2f} s from up" if last_failure is not None else "never"),
    )

    status, headers, body = refused
    report.figure(
        "phase 2 editor's save while down",
        f"{status}, Retry-After "
        f"{headers.get('Retry-After')}, {'says' if 'not saved' in body else 'lacks'} 'not saved'",
    )
    report.check(
        "outage: editor's save refused clearly",
        status == 503 and "not saved" in body and "Traceback" not in body,
        f"{status}; page says 'not saved': {'not saved' in body}",
    )
    status, headers, _ = retried
    saved_page = browser.request(url)[2] if status == 302 else ""
    report.check(
        "outage: editor's retry saved",
        status == 302 and NEW_SUMMARY in saved_page,
        f"{status} to {headers.get('Location')}; form shows the new summary: "
        f"{NEW_SUMMARY in saved_page}",
    )

    # Every URL, far more often than there are workers, with a new search among them: a
    # worker still holding a dead connection would fail some of these.
    checked = ask_each(server.port, paths * max(3 * before_workers, 10))
    report.check(
        "outage: no worker left broken",
        all(r.status == 200 for r in checked) and len(workers(master)) == before_workers,
        f"{len(checked)} requests over {len(paths)} addresses after recovery: "
        f"{statuses(checked)}; {len(workers(master))} of {before_workers} workers up",
    )
    check_database(report, pg, before)


def check_database(report: Report, pg: PrivatePostgres, before: dict[str, int]) -> None:
    after = counts(pg)
    change = {name: after[name] - before[name] for name in after}
    report.figure("phase 2 rows added", ", ".join(f"{k} +{v}" for k, v in change.items()))
    empty = pg.value(
        "SELECT count(*) FROM reversion_revision r WHERE NOT EXISTS "
        "(SELECT 1 FROM reversion_version v WHERE v.revision_id = r.id)"
    )
    pointing_at_nothing = pg.value(
        "SELECT (SELECT count(*) FROM reviews_auditevent a WHERE a.revision_id IS NOT NULL AND "
        "NOT EXISTS (SELECT 1 FROM reversion_version v WHERE v.revision_id = a.revision_id)) + "
        "(SELECT count(*) FROM reviews_signoff s WHERE NOT EXISTS "
        "(SELECT 1 FROM reversion_version v WHERE v.revision_id = s.revision_id))"
    )
    comment = CHANGE_SUMMARY.replace("'", "''")
    saves = pg.query(f"SELECT id FROM reversion_revision WHERE comment = '{comment}'")
    audits = (
        pg.value(
            f"SELECT count(*) FROM reviews_auditevent WHERE action = 'save' "
            f"AND revision_id = {saves[0][0]}"
        )
        if len(saves) == 1
        else 0
    )
    report.check(
        "database: one revision and audit entry for the save",
        len(saves) == 1
        and audits == 1
        and change["revisions"] == 1
        and change["audit entries"] == 1,
        f"{len(saves)} revision(s) with the save's summary, {audits} audit entry for it; "
        f"{change['revisions']} revision(s) and {change['audit entries']} audit entries added "
        "in all",
    )
    report.check(
        "database: nothing half-written",
        empty == 0
        and pointing_at_nothing == 0
        and change["sign-offs"] == change["review requests"] == change["publications"] == 0,
        f"{empty} revisions without versions, {pointing_at_nothing} audit entries or sign-offs "
        f"on such a revision; sign-offs +{change['sign-offs']}, review requests "
        f"+{change['review requests']}, publications +{change['publications']}",
    )


def phase_kill(report: Report, server: Gunicorn, paths: list[str]) -> None:
    """SIGKILL one worker while it answers a request; the master forks another."""
    master = server.process.pid
    before = sorted(workers(master))
    load = Load(server.port, paths)
    time.sleep(2)
    deadline = time.monotonic() + 5
    busy = []
    while not busy and time.monotonic() < deadline:
        busy = inside_a_request(before, server.port)
    victim = busy[0] if busy else before[0]
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    replaced = None
    while time.monotonic() < killed + 10:
        now = set(workers(master))
        if victim not in now and len(now) == len(before):
            replaced = time.monotonic() - killed
            break
        time.sleep(0.01)
    time.sleep(max(0.0, killed + 5 - time.monotonic()))
    results = load.stop()

    in_flight = [r for r in results if r.started < killed < r.ended]
    failed = [r for r in results if r.status != 200]
    late = [r for r in results if r.started >= killed + REPLACEMENT_SECONDS]
    report.figure("phase 3 requests", f"{len(results):,} by {CLIENTS} threads, {statuses(results)}")
    report.figure(
        "phase 3 worker killed",
        f"pid {victim} of {len(before)}, "
        f"{'seen inside a request just before' if busy else 'none seen inside a request'}; "
        f"{len(in_flight)} of the load's requests open then (the others queued or on other "
        "workers)",
    )
    report.figure(
        "phase 3 replaced in",
        f"{replaced * 1000:.0f} ms" if replaced is not None else "not replaced within 10 s",
    )
    report.figure(
        "phase 3 failed requests",
        f"{len(failed)}: "
        + "; ".join(
            f"{r.path} {r.status or r.error} at {r.started - killed:+.3f} s" for r in failed[:5]
        ),
    )
    report.check(
        "kill: master replaces the worker",
        replaced is not None and replaced <= REPLACEMENT_SECONDS and server.process.poll() is None,
        f"new worker after {replaced * 1000:.0f} ms" if replaced is not None else "no new worker",
    )
    # A sync worker holds one reader's connection at a time: at most that one request fails.
    report.check(
        "kill: only the killed worker's request failed",
        len(failed) <= 1 and all(r.started < killed < r.ended for r in failed),
        f"{len(failed)} failed of {len(results)} ({len(in_flight)} in flight at the kill)",
    )
    report.check(
        f"kill: all 200 from {REPLACEMENT_SECONDS:.0f} s after",
        bool(late) and all(r.status == 200 for r in late),
        f"{len(late)} requests: {statuses(late)}",
    )


def main() -> int:
    need_wrk()
    started = time.monotonic()
    report = Report()
    directory = Path(tempfile.mkdtemp(prefix="sarcomainfo-soak-"))
    pg = server = None
    redis = ""
    try:
        print(f"PostgreSQL cluster of our own in {directory}...", flush=True)
        pg = PrivatePostgres(directory)
        redis = redis_url()
        env = production_environment(pg.url(), redis)
        print(
            f"Building the database: the seed, demo accounts, {THERAPIES:,} generated therapies...",
            flush=True,
        )
        building = time.monotonic()
        build_database(pg, env)
        report.figure("database built in", f"{time.monotonic() - building:.0f} s")
        server = Gunicorn(log=directory / "gunicorn.log", **env)
        pages = sitemap_paths(server.port)
        time.sleep(1)  # the master forks its workers after it first answers
        report.figure(
            "setup",
            f"gunicorn, {len(workers(server.process.pid))} sync workers on {os.cpu_count()} "
            f"cores; PostgreSQL {pg.bin.parent.name} of our own on port {pg.port}; "
            f"{'pages shared in ' + redis if redis else 'pages in each worker only (no Redis)'}, "
            f"{THERAPIES:,} generated therapies + the seed",
        )
        print("Phase 1: load", flush=True)
        phase_load(report, server.port, directory, pages)
        time.sleep(2)  # let the workers finish what wrk left queued
        print("Phase 2: PostgreSQL restarted under load", flush=True)
        paths = outage_paths(pages)
        phase_outage(report, pg, server, paths)
        print("Phase 3: a worker killed mid-request", flush=True)
        phase_kill(report, server, paths)
    except Exception as error:
        traceback.print_exc()
        report.check("ran to the end", False, repr(error))
    finally:
        if server:
            server.stop()
        if pg:
            pg.remove()
        if redis:
            # Its pages would otherwise stay a day (PUBLIC_PAGE_CACHE_SECONDS), run after run.
            import redis as client

            client.Redis.from_url(redis).flushdb()
    # Absent when the run stopped before gunicorn started (a failed initdb or migrate, say).
    log_file = directory / "gunicorn.log"
    log = log_file.read_text(errors="replace") if log_file.exists() else ""
    report.figure(
        "gunicorn error log",
        f"{log.count('Database unavailable')} 'Database unavailable' warnings, "
        f"{log.count('Traceback')} tracebacks, {log.count('SIGKILL')} SIGKILL notices, "
        f"{log.count('Booting worker')} workers booted",
    )
    report.figure("took", f"{time.monotonic() - started:.0f} s")
    passed = report.print()
    if passed:
        shutil.rmtree(directory, ignore_errors=True)
    else:
        print(f"Logs kept in {directory} (gunicorn.log, postgresql.log, wrk.txt).")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
