"""Two app processes (gunicorn) sharing one database, and one Redis or none: after a publication
or a withdrawal, the very next request on either shows the new state."""

import socket
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings

from reviews.seed_loader import load_seed_content
from reviews.services import withdraw
from tests.servers import Gunicorn
from therapies.models import PublishedPage, Therapy
from therapies.publishing import build_snapshot, publish

PAGE = "/therapies/imatinib/"
NEW_SUMMARY = "Imatinib blocks the signal that tells GIST cells to grow."


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host = settings["USER"] or "postgres", settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


class Instance(Gunicorn):
    def __init__(self, redis_url: str):
        super().__init__(
            DJANGO_SETTINGS_MODULE="sarcomainfo.settings",
            DJANGO_DEBUG="1",
            DATABASE_URL=database_url(),
            REDIS_URL=redis_url,
            WEB_CONCURRENCY="1",
            PUBLIC_PAGE_EDITION_CHECK_SECONDS="1",
        )

    def get(self, path: str) -> tuple[int, str, str]:
        """Status, X-Page-Cache and body of one request."""
        # Behind a load balancer every instance sees the site's own name.
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Host": "localhost"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.headers.get("X-Page-Cache", ""), r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("X-Page-Cache", ""), error.read().decode()


@pytest.fixture(params=["redis", "no shared cache"])
def two_instances(request, transactional_db):
    if request.param == "redis":
        if not redis_is_up():
            pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
        redis_url = "redis://127.0.0.1:6379/0"
    else:
        redis_url = ""  # each process caches pages in its own memory
    load_seed_content()
    instances = [Instance(redis_url), Instance(redis_url)]
    yield request.param, instances
    for instance in instances:
        instance.stop()


# As in production: each instance reads the edition at most once a second, and a change waits
# that second before it returns.
@override_settings(PUBLIC_PAGE_EDITION_CHECK_SECONDS=1)
def test_a_publication_and_a_withdrawal_reach_both_instances_at_once(two_instances):
    shared, (a, b) = two_instances
    assert a.get(PAGE)[:2] == (200, "miss")
    assert a.get(PAGE)[:2] == (200, "hit")
    # With Redis, B is sent the page A made; without it, B makes its own.
    assert b.get(PAGE)[:2] == (200, "hit" if shared == "redis" else "miss")

    imatinib = Therapy.objects.get(slug="imatinib")
    imatinib.summary = NEW_SUMMARY
    imatinib.save()
    # Saved but not published: both still send the published page.
    assert NEW_SUMMARY not in a.get(PAGE)[2]
    assert NEW_SUMMARY not in b.get(PAGE)[2]
    review = PublishedPage.objects.get(slug="imatinib").review
    publish(build_snapshot(imatinib), review=review)
    status, served, html = b.get(PAGE)
    assert (status, served) == (200, "miss")
    assert NEW_SUMMARY in html
    assert NEW_SUMMARY in a.get(PAGE)[2]

    senior = get_user_model().objects.create_superuser("senior", "s@example.org", "pw")
    withdraw(page=PublishedPage.objects.get(slug="imatinib"), user=senior, reason="Checking.")
    assert a.get(PAGE)[0] == 410
    assert b.get(PAGE)[0] == 410
    assert "/therapies/imatinib/" not in b.get("/sitemap.xml")[2]
