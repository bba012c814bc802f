"""The database goes away under a running server (gunicorn, PostgreSQL) and comes back.

While it is away, readers still get the pages already made, anything else is a friendly 503
that says to try again (never a traceback), and an editor's save is refused with a clear
message. Once it is back, the next requests succeed, the save succeeds when retried, and
nothing half-written was left behind.
"""

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from tests.admin_forms import form_data
from tests.servers import ROOT, Browser, Gunicorn

PG = ["-h", "127.0.0.1", "-U", "postgres"]
DATABASE = f"sarcomainfo_outage_{os.getpid()}"
URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def postgresql_is_up() -> bool:
    return bool(shutil.which("pg_isready")) and (
        subprocess.run(["pg_isready", "-q", *PG[:2]], check=False).returncode == 0
    )


pytestmark = pytest.mark.skipif(
    not postgresql_is_up(),
    reason="needs a PostgreSQL server on 127.0.0.1:5432 to take away (.ci/run starts it)",
)


def psql(sql: str) -> None:
    subprocess.run(["psql", *PG, "-q", "-d", "postgres", "-c", sql], check=True)


def take_database_away():
    psql(f"ALTER DATABASE {DATABASE} ALLOW_CONNECTIONS false")
    psql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{DATABASE}' AND pid <> pg_backend_pid()"
    )


def bring_database_back():
    psql(f"ALTER DATABASE {DATABASE} ALLOW_CONNECTIONS true")


def run(*command):
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "sarcomainfo.settings_test"}
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@pytest.fixture
def server():
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", DATABASE], check=True)
    subprocess.run(["createdb", *PG, DATABASE], check=True)
    run("migrate", "--no-input", "-v0")
    run("load_seed_content")
    run(
        "shell",
        "-c",
        "from django.contrib.auth.models import User, Group; "
        "u = User.objects.create_user('editor', password='editor-pw-1', is_staff=True); "
        "u.groups.add(Group.objects.get(name='Editors'))",
    )
    server = Gunicorn(
        DJANGO_SETTINGS_MODULE="sarcomainfo.settings_test",  # DEBUG off, plain HTTP
        DATABASE_URL=URL,
        # One worker, so the pages it made before the outage are the ones it is asked for
        # (without Redis, each worker keeps its own).
        WEB_CONCURRENCY="1",
    )
    yield Browser(server.port)
    server.stop()
    bring_database_back()
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", DATABASE], check=False)


def editor_opens_imatinib(browser) -> tuple[str, dict]:
    status = browser.log_in("editor", "editor-pw-1")
    assert status == 302, status
    _, _, changelist = browser.request("/admin/therapies/therapy/?q=imatinib")
    url = re.search(r"/admin/therapies/therapy/\d+/change/", changelist).group(0)
    status, _, form = browser.request(url)
    assert status == 200
    data = form_data(form)
    assert data["csrfmiddlewaretoken"][0] and data["generic_name"] == ["imatinib"]
    return url, data


def test_readers_and_editors_through_a_database_outage(server):
    browser = server
    cached = ["/", "/therapies/imatinib/", "/topics/targeted-therapies-soft-tissue-sarcoma/"]
    made = {path: browser.request(path)[2] for path in cached}
    url, form = editor_opens_imatinib(browser)
    form.update(
        summary=["Imatinib is a tablet that blocks a growth signal."],
        change_summary=["Plainer summary."],
    )

    take_database_away()
    for path in cached:
        status, _, html = browser.request(path)
        assert status == 200, path  # already made: sent from memory
        assert html == made[path], path
    status, headers, html = browser.request("/therapies/?q=sunitinib")  # never made before
    assert status == 503
    assert headers["Retry-After"] == "5"
    assert "Please try again in a moment" in html
    assert "Traceback" not in html
    status, _, html = browser.request(url, form)  # the editor saves
    assert status == 503
    assert "not saved" in html

    bring_database_back()
    back = time.monotonic()
    while browser.request("/therapies/?q=sunitinib")[0] != 200:
        assert time.monotonic() - back < 5, "not recovered within 5 seconds"
        time.sleep(0.1)
    # Its broken database connection is replaced for good, not just once.
    assert all(browser.request("/glossary/")[0] == 200 for _ in range(10))
    status, _, _ = browser.request(url, form)  # the same save, again
    assert status == 302, status

    # Nothing half-written: one revision for the one save that succeeded, with its version and
    # its audit entry.
    check = (
        "from reversion.models import Revision; from reviews.models import AuditEvent; "
        "assert all(r.version_set.exists() for r in Revision.objects.all()); "
        "saves = Revision.objects.filter(comment='Plainer summary.'); "
        "assert saves.count() == 1, saves.count(); "
        "assert AuditEvent.objects.filter(action='save', revision=saves.get()).count() == 1"
    )
    run("shell", "-c", check)
