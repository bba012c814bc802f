"""The publications list leads into each production record from its first column, names its
columns as an assessor reads them, keeps each row short, and filters by kind of page only."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from reviews.models import Publication
from reviews.seed_loader import load_seed_content

LIST = "/admin/reviews/publication/"


def cells(row: str) -> list[tuple[str, str]]:
    """A row's cells, as (column, HTML), in order."""
    return re.findall(r'<t[dh] class="field-(\w+)[^"]*"[^>]*>(.*?)</t[dh]>', row, re.S)


def body_rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)


def headings(page: str) -> list[str]:
    head = page.split('<table id="result_list">', 1)[1].split("</thead>", 1)[0]
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", th)).split())
        for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]


def test_the_way_into_the_record_comes_first_under_readable_headings(seed, as_user):
    page = as_user("senior").get(LIST).text
    assert headings(page) == [
        "Record",
        "Page",
        "Revision",
        "Published",
        "Approved by",
        "Change summary",
    ]
    assert "Object repr" not in page
    publication = Publication.objects.first()
    first_row = body_rows(page)[0]
    column, html = cells(first_row)[0]
    assert column == "record_link"
    record = f"/admin/reviews/publication/{publication.pk}/record/"
    assert html == f'<a href="{record}">Open record</a>'
    # The record is the one way in: no column leads to Django's read-only form as well.
    assert "/change/" not in first_row
    assert as_user("senior").get(record).status_code == 200


def test_a_long_change_summary_is_cut_short_with_the_whole_in_its_title(seed, as_user):
    publication = Publication.objects.first()
    whole = (
        "Checked every dose against the 2024 summary of product characteristics; "
        "rewrote the side effects in plainer words, and added what to do about a missed dose."
    )
    Publication.objects.filter(pk=publication.pk).update(summary=whole)
    Publication.objects.exclude(pk=publication.pk).update(summary="Short.")
    page = as_user("senior").get(LIST).text
    [summary] = [
        html
        for row in body_rows(page)
        for col, html in cells(row)
        if col == "short_summary" and "Short." not in html
    ]
    shown = re.fullmatch(r'<span title="([^"]*)">([^<]*)</span>', summary)
    assert shown, summary
    assert unescape(shown.group(1)) == whole
    cut = unescape(shown.group(2))
    assert cut.endswith("…") and len(cut) <= 80
    assert whole.startswith(cut.removesuffix("…"))
    assert cut == (
        "Checked every dose against the 2024 summary of product characteristics; rewrote…"
    )
    # A short one is shown whole, as it is.
    assert '<td class="field-short_summary">Short.</td>' in page


def test_the_page_type_filter_lists_only_kinds_of_page_that_have_publications(seed, as_user):
    client = as_user("senior")
    page = client.get(LIST).text
    choices = re.findall(r'href="\?page_type=(\w+)"[^>]*>([^<]+)<', page)
    # The seed publishes these four kinds; no information page, and none of the thirty other
    # content types (conditions, drug classes, references…) the database knows.
    assert choices == [
        ("topic", "Topic"),
        ("therapy", "Therapy"),
        ("side_effect", "Side effect"),
        ("glossary_term", "Glossary term"),
    ]
    assert "content_type__id__exact" not in page
    assert "By page type" in page
    topics = body_rows(client.get(f"{LIST}?page_type=topic").text)
    assert len(topics) == Publication.objects.filter(content_type__model="topic").count() == 1
    # A kind not offered is no filter, and no error.
    everything = len(body_rows(page))
    assert len(body_rows(client.get(f"{LIST}?page_type=condition").text)) == everything
    assert len(body_rows(client.get(f"{LIST}?page_type=%00").text)) == everything


@pytest.fixture
def site(transactional_db, live_server, people):
    load_seed_content()
    return live_server.url


# Whether the list's table is wider than its box (so it scrolls sideways), and where its first
# column's link ends.
FITS = """() => {
    const table = document.querySelector('#result_list');
    const link = table.querySelector('tbody tr a');
    return {
        overflow: table.scrollWidth - table.parentElement.clientWidth,
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        firstLinkRight: link.getBoundingClientRect().right,
        rowHeights: [...table.querySelectorAll('tbody tr')].map(r => r.offsetHeight),
    };
}"""


@pytest.mark.browser
def test_both_lists_fit_a_1280_pixel_screen_with_short_rows(site, browser):
    client = Client()
    client.force_login(get_user_model().objects.get(username="senior"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    page = context.new_page()
    for path in [LIST, "/admin/reviews/pagereview/"]:
        page.goto(site + path)
        found = page.evaluate(FITS)
        assert found["overflow"] <= 0, (path, found)
        assert found["pageOverflow"] <= 0, (path, found)
        assert found["firstLinkRight"] <= 1280, (path, found)
        # At most a few lines a row (the issue found 230 px).
        assert max(found["rowHeights"]) <= 100, (path, found)
    context.close()
