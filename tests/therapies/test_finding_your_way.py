"""Finding one's way: breadcrumbs on every page below Home, "On this page" on long pages, and
each drug page's links to the published guides that present it."""

import json
import re

import html5lib
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import services
from therapies.models import (
    InformationPage,
    PublishedPage,
    SiteEdition,
    Therapy,
    Topic,
    TopicSection,
    TopicSectionTherapy,
)
from therapies.publishing import build_snapshot, publish

TOPIC = "/topics/targeted-therapies-soft-tissue-sarcoma/"


def parse(response):
    assert response.status_code in (200, 410), response.status_code
    return html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def breadcrumbs(response) -> list[tuple[str, str | None, str | None]]:
    """Each crumb as (text, its link, its aria-current): from the one breadcrumb trail."""
    navs = parse(response).findall(".//nav[@aria-label='Breadcrumb']")
    assert len(navs) == 1
    crumbs = []
    for item in navs[0].findall("./ol/li"):
        link = item.find("a")
        marked = item.find("*[@aria-current]")
        crumbs.append(
            (
                text(item),
                link.get("href") if link is not None else None,
                marked.get("aria-current") if marked is not None else None,
            )
        )
    return crumbs


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/therapies/imatinib/", [("Find a drug", "/therapies/"), ("Imatinib", None)]),
        (TOPIC, [("Guides", "/#topics"), ("Targeted therapies for soft tissue sarcoma", None)]),
        ("/side-effects/tiredness/", [("Tiredness (fatigue)", None)]),
        ("/glossary/", [("Medical words explained", None)]),
        ("/therapies/?q=tinib", [("Find a drug", None)]),
        (
            "/feedback/therapy/sunitinib/?helpful=no",
            [
                ("Find a drug", "/therapies/"),
                ("Sunitinib", "/therapies/sunitinib/"),
                ("Tell us about this page", None),
            ],
        ),
        ("/feedback/thanks/", [("Thank you for your feedback", None)]),
    ],
)
def test_each_page_below_home_shows_where_it_sits_with_the_page_itself_current(
    seed, client, url, expected
):
    crumbs = breadcrumbs(client.get(url))
    assert crumbs[0] == ("Home", "/", None)
    assert [(label, link) for label, link, _ in crumbs[1:]] == expected
    # Only the last crumb, the page itself, is marked current; it is not a link.
    assert [current for *_, current in crumbs] == [None] * (len(crumbs) - 1) + ["page"]


def test_a_withdrawn_page_has_breadcrumbs_and_home_has_none(seed, client):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    services.withdraw(
        page=PublishedPage.objects.get(slug="thyroid-changes"), user=boss, reason="Rewriting."
    )
    gone = client.get("/side-effects/thyroid-changes/")
    assert breadcrumbs(gone)[-1] == ("This page has been withdrawn", None, "page")
    assert 'aria-label="Breadcrumb"' not in client.get("/").text


def test_a_page_about_the_site_sits_just_below_home(seed, client, record_review):
    page = InformationPage.objects.get(slug="accessibility")
    publish(build_snapshot(page), review=record_review(page))
    crumbs = breadcrumbs(client.get("/about/accessibility/"))
    assert [(label, link) for label, link, _ in crumbs] == [("Home", "/"), (page.title, None)]


def test_the_page_description_for_search_engines_holds_the_breadcrumbs(seed, client):
    html = client.get("/therapies/imatinib/").text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    trail = json.loads(found[1])["breadcrumb"]
    assert trail["@type"] == "BreadcrumbList"
    assert [
        (item["position"], item["name"], item["item"]) for item in trail["itemListElement"]
    ] == [
        (1, "Home", "http://testserver/"),
        (2, "Find a drug", "http://testserver/therapies/"),
        (3, "Imatinib", "http://testserver/therapies/imatinib/"),
    ]


def contents(response):
    """The "On this page" list as [(text, target, [(text, target), …]), …], or None."""
    nav = parse(response).find(".//nav[@class='contents']")
    if nav is None:
        return None
    assert text(nav.find("h2")) == "On this page"
    listed = []
    for item in nav.findall("./ol/li"):
        link = item.find("a")
        children = [(text(a), a.get("href")) for a in item.findall("./ol/li/a")]
        listed.append((text(link), link.get("href"), children))
    return listed


def test_the_topic_page_lists_its_sections_and_the_drugs_in_each(seed, client):
    response = client.get(TOPIC)
    listed = contents(response)
    assert [(label, children and [c for c, _ in children]) for label, _, children in listed] == [
        ("About targeted therapy for soft tissue sarcoma", []),
        # The section without a heading: its drugs stand as sections of their own.
        ("Imatinib (Glivec®)", []),
        ("Sunitinib (Sutent®)", []),
        ("Regorafenib (Stivarga®)", []),
        (
            "Other targeted therapy drugs",
            ["Pazopanib (Votrient®)", "Crizotinib (Xalkori®)", "Larotrectinib (Vitrakvi®)"],
        ),
        # "More information" holds only promises with no link, which are not printed: a
        # heading over nothing is left out (test_honest_standing_text).
    ]
    # Each link leads to the heading of that name on the page.
    root = parse(response)
    targets = [
        (label, href)
        for label, href, children in listed
        for label, href in [(label, href), *children]
    ]
    for label, href in targets:
        assert href.startswith("#")
        found = root.findall(f".//*[@id='{href[1:]}']")
        assert len(found) == 1, href
        assert found[0].tag in ("h2", "h3") and text(found[0]) == label


def test_a_drug_page_lists_its_sections_once_it_has_more_than_three(seed, client, make_therapy):
    make_therapy("shortinib", summary="A drug.")
    assert contents(client.get("/therapies/shortinib/")) is None
    make_therapy(
        "longinib",
        summary="A drug.",
        conditions=["GIST"],
        side_effects=["Tiredness"],
        nhs="available",
    )
    listed = contents(client.get("/therapies/longinib/"))
    labels = [label for label, _, _ in listed]
    assert labels[:3] == ["What it is used for", "About longinib", "Side effects"]
    assert labels[-1] == "Getting it on the NHS"
    root = parse(client.get("/therapies/longinib/"))
    for label, href, _ in listed:
        assert text(root.find(f".//*[@id='{href[1:]}']")) == label


def guides_on(client, slug) -> list[tuple[str, str]]:
    line = parse(client.get(f"/therapies/{slug}/")).find(".//p[@class='in-guides']")
    if line is None:
        return []
    assert text(line).startswith(f"Read about {slug} in:")
    return [(text(a), a.get("href")) for a in line.findall("a")]


@pytest.fixture
def new_guide(seed):
    """A guide presenting sunitinib, saved but not published."""
    topic = Topic.objects.create(title="Living with GIST", slug="living-with-gist")
    section = TopicSection.objects.create(topic=topic, heading="Treatments")
    TopicSectionTherapy.objects.create(
        section=section, therapy=Therapy.objects.get(slug="sunitinib")
    )
    return topic


def test_a_drug_page_links_to_the_guides_that_present_it_once_they_are_published(
    client, new_guide, record_review
):
    seed_guide = ("Targeted therapies for soft tissue sarcoma", TOPIC)
    assert guides_on(client, "sunitinib") == [seed_guide]
    publish(build_snapshot(new_guide), review=record_review(new_guide))
    assert guides_on(client, "sunitinib") == [
        ("Living with GIST", "/topics/living-with-gist/"),
        seed_guide,
    ]
    # Read from what was published: a saved change to the guide reaches no drug page.
    TopicSectionTherapy.objects.filter(section__topic=new_guide).delete()
    SiteEdition.objects.advance()  # so the page is made afresh, not sent from the page cache
    assert len(guides_on(client, "sunitinib")) == 2
    assert guides_on(client, "imatinib") == [seed_guide]


def test_a_drug_in_no_published_guide_names_none(seed, client, make_therapy):
    make_therapy("loneinib", summary="A drug.")
    assert guides_on(client, "loneinib") == []


def add_guides(count: int, start: int, therapy: PublishedPage):
    PublishedPage.objects.bulk_create(
        PublishedPage(
            kind="topic",
            object_id=10_000 + n,
            slug=f"guide-{n}",
            title=f"Guide {n}",
            sort_name=f"guide {n}",
            document={"sections": [{"heading": "", "body": "", "therapies": [therapy.object_id]}]},
            published_at="2026-01-01T00:00:00Z",
        )
        for n in range(start, start + count)
    )


def test_the_guides_on_a_drug_page_take_the_same_queries_however_many(seed, client):
    sunitinib = PublishedPage.objects.therapies().get(slug="sunitinib")

    def queries() -> int:
        SiteEdition.objects.advance()  # made afresh, not sent from the page cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/therapies/sunitinib/").status_code == 200
        return len(captured)

    add_guides(1, 0, sunitinib)
    few = queries()
    add_guides(30, 1, sunitinib)
    assert queries() == few
    assert len(guides_on(client, "sunitinib")) == 32
