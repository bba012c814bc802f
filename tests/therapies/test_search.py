"""Therapy search: full-text on PostgreSQL (with its GIN index), substrings on SQLite."""

import pytest
from django.db import connection

from reviews.demo_content import generate
from therapies.models import PublishedPage

needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="needs PostgreSQL: full-text search (CI runs the suite on both databases)",
)


def found(text: str) -> list[str]:
    return list(PublishedPage.objects.therapies().matching(text).values_list("slug", flat=True))


def test_names_brands_conditions_and_side_effects_are_found_on_any_database(seed):
    assert found("Glivec") == ["imatinib"]
    assert found("imatinib") == ["imatinib"]
    assert found("imat") == ["imatinib"]  # the start of a word is enough
    assert "larotrectinib" in found("NTRK")
    assert found("diarrhoea") == found("high blood pressure") == ["sunitinib"]
    assert found("") == found("  ®  ") == sorted(found(""))
    assert found("nothing like it at all") == []


@needs_postgresql
def test_postgresql_matches_words_in_any_order_and_their_other_forms(seed):
    gist = ["imatinib", "regorafenib", "sunitinib"]
    assert sorted(found("stromal gastrointestinal")) == gist
    # The condition is "gastrointestinal stromal tumour"; readers may type the plural.
    assert sorted(found("gastrointestinal stromal tumours")) == gist
    # Punctuation and tsquery syntax are only words here, never an error.
    assert found("imatinib & | ! ( :* '") == ["imatinib"]


@needs_postgresql
def test_postgresql_search_uses_the_gin_index(seed):
    generate(therapies=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE therapies_publishedpage")
    query = PublishedPage.objects.therapies().matching("glivec").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "published_page_search" in plan


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite fallback only")
def test_sqlite_finds_what_was_typed_anywhere_in_a_name(seed):
    assert found("tinib") == ["crizotinib", "imatinib", "larotrectinib", "sunitinib"]
