"""Search as readers meet it: their spellings, their words, the best page first.

Full-text and trigram indexes on PostgreSQL, substrings and difflib on SQLite: every test not
marked for one database runs on both, so readers find the same pages on either.
"""

import re

import pytest
from django.db import connection
from django.test import Client

from reviews.demo_content import generate
from tests.admin_forms import save
from therapies import search
from therapies.models import PublishedPage

needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="needs PostgreSQL: full-text and trigram search (CI runs the suite on both databases)",
)


def find(text: str, *, in_body: bool = True) -> search.Found:
    return search.find(PublishedPage.objects.all(), text, in_body=in_body)


def pages(text: str, *, in_body: bool = True) -> list[tuple[str, str]]:
    return [(page.kind, page.slug) for page in find(text, in_body=in_body).pages]


def therapies(text: str) -> list[str]:
    """What the drug list's search finds: names and what drugs are about, not every mention."""
    found = search.find(PublishedPage.objects.therapies(), text, in_body=False)
    return [page.slug for page in found.pages]


def listed(response) -> list[str]:
    """The drugs on a page of the drug list, in order."""
    assert response.status_code == 200
    return re.findall(r'<h3[^>]*>\s*<a href="/therapies/([a-z-]+)/"', response.text)


def groups(response) -> list[tuple[str, str]]:
    """The search page's groups of results: the kind of page and the heading shown."""
    assert response.status_code == 200
    return re.findall(r'<h3 id="group-(\w+)"[^>]*>([^<]*)</h3>', response.text)


def results(response) -> list[tuple[str, str, str]]:
    """Each result on the search page: its address, title and one-line summary."""
    return re.findall(
        r'<h4[^>]*>\s*<a href="([^"]+)"[^>]*>([^<]*)</a>\s*</h4>\s*(?:<p[^>]*>([^<]*)</p>)?',
        response.text,
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("imatinab", "imatinib"), ("sunitnib", "sunitinib"), ("pazopanip", "pazopanib")],
)
def test_a_misspelt_drug_is_found_first_and_its_spelling_offered(seed, typed, meant):
    for in_body in (True, False):
        found = find(typed, in_body=in_body)
        assert [page.slug for page in found.pages][:1] == [meant], in_body
        assert found.near
        assert found.suggestion == meant


def test_a_drugs_other_names_find_it(seed):
    found = find("gleevec")  # imatinib's brand, as sold in the USA
    # The guide presenting imatinib is about it too.
    assert [page.slug for page in found.pages] == [
        "imatinib",
        "targeted-therapies-soft-tissue-sarcoma",
    ]
    assert not found.near  # a name of the page, not a guess at one


def test_a_synonym_finds_the_pages_with_the_other_word(seed):
    # The pages say "diarrhoea"; the synonym list says readers may type "diarrhea".
    found = find("diarrhea")
    assert not found.near
    assert {("side_effect", "diarrhoea"), ("therapy", "sunitinib")} <= set(pages("diarrhea"))
    # "hands" starts with "hand"; "foot" is "feet" by the synonym list.
    found = find("hand foot")
    assert not found.near
    assert {("side_effect", "sore-hands-and-feet"), ("therapy", "sunitinib")} <= set(
        pages("hand foot")
    )


def test_names_brands_conditions_and_starts_of_words_find_drugs(seed):
    assert therapies("Glivec") == therapies("glivec®") == ["imatinib"]
    assert therapies("imatinib") == ["imatinib"]
    assert therapies("imat") == ["imatinib"]  # the start of a word is enough
    assert "larotrectinib" in therapies("NTRK")
    assert therapies("diarrhoea") == therapies("high blood pressure") == ["sunitinib"]
    everything = therapies("")
    assert len(everything) == 6
    assert therapies("  ®  ") == sorted(everything) == everything
    assert therapies("qwertyuiop zxcvbnm") == []


def test_the_page_called_what_was_typed_comes_first(seed):
    # Sunitinib names itself; the guide presents it; regorafenib only mentions it.
    assert pages("sunitinib") == [
        ("therapy", "sunitinib"),
        ("topic", "targeted-therapies-soft-tissue-sarcoma"),
        ("therapy", "regorafenib"),
    ]
    # The page called it, then the one whose name starts with it, before the drugs about it.
    assert pages("tyrosine kinase")[:2] == [
        ("glossary_term", "tyrosine-kinase"),
        ("glossary_term", "tyrosine-kinase-inhibitor"),
    ]
    # A page naming it, then pages about it, then a page that only mentions it.
    assert pages("tki") == [
        ("glossary_term", "tyrosine-kinase-inhibitor"),
        ("therapy", "imatinib"),
        ("therapy", "pazopanib"),
        ("therapy", "regorafenib"),
        ("therapy", "sunitinib"),
        ("topic", "targeted-therapies-soft-tissue-sarcoma"),
    ]
    assert pages("targeted therapy")[0] == ("glossary_term", "targeted-therapy")


def test_a_synonym_saved_in_the_admin_changes_the_next_search_even_from_the_cache(seed, as_user):
    reader = Client()
    search_page = "/search/?q=hand+foot+syndrome"
    drug_list = "/therapies/?q=hand+foot+syndrome"
    for address in (search_page, drug_list):
        assert "No results for “hand foot syndrome”" in reader.get(address).text
        cached = reader.get(address)
        assert cached["X-Page-Cache"] == "hit"
        assert "No results for" in cached.text

    save(
        as_user("editor"),
        "/admin/therapies/searchsynonym/add/",
        "Readers know it as hand-foot syndrome.",
        words="sore hands and feet, hand foot syndrome",
    )

    found = reader.get(search_page)
    assert found["X-Page-Cache"] == "miss"  # a new edition of the site: searched afresh
    assert ("/side-effects/sore-hands-and-feet/", "Sore hands and feet", "") in results(found)
    assert "/therapies/sunitinib/" in [address for address, _, _ in results(found)]
    assert listed(reader.get(drug_list)) == ["sunitinib"]


def test_search_results_are_grouped_by_kind_with_each_ones_summary(seed, client):
    response = client.get("/search/?q=tki")
    assert "6 results for “tki”" in response.text
    assert groups(response) == [
        ("therapy", "Drugs (4)"),
        ("topic", "Guides (1)"),
        ("glossary_term", "Medical words explained (1)"),
    ]
    shown = results(response)
    assert shown[0] == (
        "/therapies/imatinib/",
        "Imatinib (Glivec®)",
        "Tyrosine kinase inhibitor (TKI). Used for: gastrointestinal stromal tumour (GIST); "
        "dermatofibrosarcoma protuberans. Taken as tablets.",
    )
    assert (
        "/topics/targeted-therapies-soft-tissue-sarcoma/",
        "Targeted therapies for soft tissue sarcoma",
        "Targeted therapy drugs interfere with the way that cancer cells grow.",
    ) in shown
    assert (
        "/glossary/#tyrosine-kinase-inhibitor",
        "Tyrosine kinase inhibitor (TKI)",
        "A type of targeted therapy drug.",
    ) in shown
    assert groups(client.get("/search/?q=diarrhea")) == [
        ("therapy", "Drugs (1)"),
        ("side_effect", "Side effects (1)"),
    ]


def test_a_near_spelling_offers_did_you_mean_keeping_the_other_filters(seed, client):
    response = client.get("/therapies/?q=imatinab&form=tablets&page=2")
    assert listed(response) == ["imatinib"]
    # The page number belongs to the old list: the suggestion starts at the first page.
    assert 'Did you mean <a href="?q=imatinib&amp;form=tablets">imatinib</a>?' in response.text
    meant = client.get("/therapies/?q=imatinib&form=tablets")
    assert listed(meant) == ["imatinib"]
    assert "Did you mean" not in meant.text
    response = client.get("/search/?q=sunitnib")
    assert 'Did you mean <a href="?q=sunitinib">sunitinib</a>?' in response.text
    assert results(response)[0][0] == "/therapies/sunitinib/"


def test_the_drug_list_leaves_out_drugs_that_only_mention_the_words(seed, client):
    # Sunitinib's and regorafenib's summaries mention imatinib: a search finds them, the list of
    # drugs called or about imatinib does not.
    assert listed(client.get("/therapies/?q=imatinib")) == ["imatinib"]
    found = [address for address, _, _ in results(client.get("/search/?q=imatinib"))]
    assert found == [
        "/therapies/imatinib/",
        "/therapies/regorafenib/",
        "/therapies/sunitinib/",
        "/topics/targeted-therapies-soft-tissue-sarcoma/",
    ]


@pytest.mark.parametrize("address", ["/search/?q=xyz", "/therapies/?q=xyz"])
def test_nothing_found_says_so_and_where_to_look_instead(seed, client, address):
    response = client.get(address)
    assert response.status_code == 200
    block = re.search(r'<div class="no-results">(.*?)</div>', response.text, re.S)
    assert block, "no advice for a search that found nothing"
    assert "No results for “xyz”." in block[1]
    assert '<a href="/therapies/">drugs A to Z</a>' in block[1]
    assert '<a href="/glossary/">Medical words explained</a>' in block[1]


@needs_postgresql
def test_postgresql_matches_words_in_any_order_and_their_other_forms(seed):
    gist = ["imatinib", "regorafenib", "sunitinib"]
    assert sorted(therapies("stromal gastrointestinal")) == gist
    # The condition is "gastrointestinal stromal tumour"; readers may type the plural.
    assert sorted(therapies("gastrointestinal stromal tumours")) == gist


@needs_postgresql
def test_postgresql_reads_tsquery_syntax_as_words_only(seed):
    # Each would be an operator, a prefix or a quote to to_tsquery: here never an error.
    assert therapies("imatinib & | ! ( :* '") == ["imatinib"]
    assert therapies("!imatinib") == therapies("imatinib:*") == ["imatinib"]
    assert therapies("imatinib <-> glivec") == ["imatinib"]
    assert therapies("& | ! ( ) :* '") == therapies("")


def explain(queryset, *, seqscan: bool = True) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if not seqscan:
            # For this transaction only: the test's, rolled back at its end.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    return plan


@needs_postgresql
def test_postgresql_search_uses_its_indexes(seed):
    generate(therapies=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE therapies_publishedpage")
    # The drug list's search (names and subjects), then the site search (every word).
    for listing, in_body, index in [
        (PublishedPage.objects.therapies(), False, "published_page_names_search"),
        (PublishedPage.objects.all(), True, "published_page_search"),
    ]:
        strict = search.find(listing, "glivec", in_body=in_body)
        assert not strict.near
        assert f"Bitmap Index Scan on {index}" in explain(strict.pages)
    near = search.find(PublishedPage.objects.all(), "imatinab")
    assert near.near
    # At 500 pages reading them all costs the planner less than the trigram index would, so
    # it is told not to: what is tested is that the index serves this query, as it must at
    # the 10,000 pages a sequential scan would be too slow for.
    assert "page_names_trgm" in explain(near.pages, seqscan=False)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite fallback only")
def test_sqlite_finds_what_was_typed_anywhere_in_a_name(seed):
    assert therapies("tinib") == ["crizotinib", "imatinib", "larotrectinib", "sunitinib"]
