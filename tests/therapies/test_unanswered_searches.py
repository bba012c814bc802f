"""Searches that found nothing, counted for the editors: the words only, never who searched,
never so many that a flood of junk fills the database, and never at the cost of a reader's page.
"""

import datetime
import logging
from unittest import mock

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.test import Client, override_settings
from django.utils import timezone

from therapies import search
from therapies.models import UnansweredSearch

NOTHING = "/search/?q=xyzzy"


def counted() -> dict[str, int]:
    return dict(UnansweredSearch.objects.values_list("query", "count"))


@pytest.mark.parametrize("address", ["/search/?q=", "/therapies/?q="])
def test_a_search_that_found_nothing_is_counted_by_its_words(seed, address):
    reader = Client()
    first = reader.get(address + "%20%20Xyzzy,%20PLUGH!")
    assert first.status_code == 200
    assert "No results for" in first.text
    assert counted() == {"xyzzy plugh": 1}
    row = UnansweredSearch.objects.get()
    assert row.day == timezone.localdate()
    # The same page again, from the public page cache, is a second reader's search.
    again = reader.get(address + "%20%20Xyzzy,%20PLUGH!")
    assert again["X-Page-Cache"] == "hit"
    assert counted() == {"xyzzy plugh": 2}
    reader.get(address + "xyzzy+plugh")  # another address, the same words
    assert counted() == {"xyzzy plugh": 3}


def test_each_day_has_its_own_count(seed):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    UnansweredSearch.objects.create(query="xyzzy", day=yesterday, count=5)
    Client().get(NOTHING)
    days = dict(UnansweredSearch.objects.values_list("day", "count"))
    assert days == {yesterday: 5, timezone.localdate(): 1}


def test_a_search_that_found_something_is_not_counted(seed):
    reader = Client()
    for address in [
        "/search/?q=imatinib",
        "/therapies/?q=imatinib",
        "/search/?q=imatinab",  # found by a near spelling
        "/therapies/?q=imatinab",
        "/search/?q=",
        "/therapies/?q=",
    ]:
        assert reader.get(address).status_code == 200
    assert counted() == {}


def test_only_the_words_alone_are_counted_on_the_drug_list(seed):
    # With another filter, finding nothing may be the filter's doing, not a gap in the site.
    response = Client().get("/therapies/?q=xyzzy&form=capsules")
    assert response.status_code == 200
    assert "No drugs match these filters" in response.text
    assert counted() == {}


def test_a_head_request_is_not_counted(seed):
    # Link checkers and monitors ask for the headers only: they are not readers searching.
    assert Client().head(NOTHING).status_code == 200
    assert counted() == {}


def test_nothing_is_kept_of_who_searched(seed):
    Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Reader's browser").get(
        NOTHING, headers={"Referer": "https://example.org/from"}
    )
    fields = {field.name for field in UnansweredSearch._meta.get_fields()}
    assert fields == {"id", "query", "day", "count"}
    row = UnansweredSearch.objects.values().get()
    assert row == {"id": row["id"], "query": "xyzzy", "day": timezone.localdate(), "count": 1}


@pytest.mark.parametrize("typed", ["1234567", "xyzzy 123456", "xyzzy 0123456789"])
def test_a_search_with_a_number_like_a_phone_number_is_never_kept(seed, typed):
    response = Client().get("/search/", {"q": typed})
    assert "No results for" in response.text
    assert counted() == {}


@pytest.mark.parametrize("typed", ["nhs 485 777 3456", "xyzzy 020-7946-0958"])
def test_a_number_written_in_groups_is_never_kept_either(seed, typed):
    Client().get("/search/", {"q": typed})
    assert counted() == {}


def test_a_short_number_is_kept(seed):
    # Five digits or fewer in all are a dose or a year, not a person.
    Client().get("/search/", {"q": "xyzzy 12345"})
    assert counted() == {"xyzzy 12345": 1}


def test_words_longer_in_lower_case_are_still_counted(seed):
    Client().get("/search/", {"q": "ß" * search.MAX_LENGTH})
    (query,) = UnansweredSearch.objects.values_list("query", flat=True)
    assert query.startswith("ssss")
    assert len(query) <= UnansweredSearch._meta.get_field("query").max_length


@override_settings(SEARCH_RECORD_LIMIT=2)
def test_each_reader_can_add_only_so_many_counts(seed):
    # The counts per reader are in the Django cache, emptied before each test (tests/conftest.py).
    reader = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(3):
        assert reader.get(NOTHING).status_code == 200
    assert counted() == {"xyzzy": 2}
    # The limit is each reader's: another is counted.
    Client(REMOTE_ADDR="203.0.113.11").get(NOTHING)
    assert counted() == {"xyzzy": 3}


@override_settings(SEARCH_RECORD_DAILY_QUERIES=3)
def test_a_day_keeps_only_so_many_different_searches(seed):
    reader = Client()
    for words in ["xyzzy", "plugh", "frobozz", "zork"]:
        reader.get("/search/", {"q": words})
    assert counted() == {"xyzzy": 1, "plugh": 1, "frobozz": 1}
    # A search already kept today is still counted.
    reader.get("/search/", {"q": "plugh"})
    assert counted() == {"xyzzy": 1, "plugh": 2, "frobozz": 1}


def test_counts_older_than_anyone_looks_at_are_removed(seed):
    today = timezone.localdate()
    oldest_kept = today - datetime.timedelta(days=settings.SEARCH_RECORD_KEEP_DAYS)
    UnansweredSearch.objects.create(query="too old", day=oldest_kept - datetime.timedelta(days=1))
    UnansweredSearch.objects.create(query="old enough", day=oldest_kept)
    Client().get(NOTHING)
    assert counted() == {"old enough": 1, "xyzzy": 1}


def test_a_count_the_database_cannot_make_still_gives_the_reader_their_page(seed, caplog):
    down = DatabaseError("the database went away")
    with mock.patch.object(search, "_count", side_effect=down) as count:
        with caplog.at_level(logging.WARNING, logger="therapies.search"):
            response = Client().get(NOTHING)
    assert count.called
    assert response.status_code == 200
    assert "No results for “xyzzy”" in response.text
    assert "Could not count a search that found nothing" in caplog.text
    assert counted() == {}


def test_a_shared_cache_that_is_down_only_loses_the_count(seed, caplog):
    with mock.patch.object(search, "allow", side_effect=ConnectionError("no Redis")):
        with caplog.at_level(logging.WARNING, logger="therapies.search"):
            response = Client().get(NOTHING)
    assert response.status_code == 200
    assert "Could not count a search that found nothing" in caplog.text
    assert counted() == {}


@pytest.mark.parametrize("typed", ["jane.doe@example.com", "xyzzy SW1A 1AA", "xyzzy ls6 2ab"])
def test_an_email_address_or_a_postcode_is_never_kept(seed, typed):
    Client().get("/search/", {"q": typed})
    assert counted() == {}


def test_the_editorial_team_checking_a_search_is_not_counted(seed, as_user):
    as_user("editor").get(NOTHING)
    assert counted() == {}
