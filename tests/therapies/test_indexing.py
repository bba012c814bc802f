"""What search knows of a page is worked out from what the page shows, and only that."""

import importlib

from django.apps import apps

from therapies.indexing import index_entry
from therapies.models import PageKind, PublishedPage
from therapies.publishing import PageSnapshot


def test_a_drug_is_found_by_its_names_what_it_is_about_and_its_words(seed):
    imatinib = PublishedPage.objects.get(kind=PageKind.THERAPY, slug="imatinib")
    entry = index_entry(imatinib.kind, imatinib.title, imatinib.document)
    assert entry.names.split(" | ") == ["imatinib", "glivec", "gleevec usa"]
    assert "gastrointestinal stromal tumour" in entry.text
    assert "dermatofibrosarcoma protuberans" in entry.body
    assert entry.result_title == "Imatinib (Glivec®)"
    assert entry.result_summary == (
        "Tyrosine kinase inhibitor (TKI). Used for: gastrointestinal stromal tumour (GIST); "
        "dermatofibrosarcoma protuberans. Taken as tablets."
    )


def test_markup_is_not_indexed_and_hyphenated_words_are_also_joined():
    document = {
        "title": "About us",
        "body": "We explain <strong>hand-foot</strong> syndrome. [Our team](https://example.org/).",
    }
    entry = index_entry(PageKind.INFORMATION, "About us", document)
    assert "strong" not in entry.body and "https" not in entry.body
    assert entry.body.split(" | ") == [
        "we explain hand foot syndrome our team",
        "handfoot",
    ]
    assert entry.result_summary == "We explain hand-foot syndrome."


def test_a_snapshot_taken_before_pages_were_indexed_this_way_still_opens():
    old = {
        "kind": "glossary_term",
        "object_id": 1,
        "slug": "tki",
        "title": "TKI",
        "document": {},
        "search_text": "tki",
        "facets": [],
        "shown_rows": [],
        "as_of_revision": None,
    }
    assert PageSnapshot.from_json(old).title == "TKI"


def test_the_migration_indexes_pages_published_before_it(seed):
    PublishedPage.objects.update(search_names="", search_text="", result_title="")
    migration = importlib.import_module("therapies.migrations.0013_search_that_forgives")
    migration.index_published_pages(apps, None)
    sunitinib = PublishedPage.objects.get(kind=PageKind.THERAPY, slug="sunitinib")
    assert sunitinib.search_names == "sunitinib | sutent"
    assert "sore hands and feet" in sunitinib.search_text
    assert sunitinib.result_title == "Sunitinib (Sutent®)"


def test_a_guide_is_found_by_the_drugs_it_presents(seed, client):
    guide = PublishedPage.objects.get(kind=PageKind.TOPIC)
    assert "gleevec" in guide.search_text  # imatinib's names, as its own page has them
    html = client.get("/search/", {"q": "larotrectinib"}).text
    assert "Guides (1)" in html and guide.result_title in html
