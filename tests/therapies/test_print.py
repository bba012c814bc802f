"""A printed page: the content with its review line and sources, full addresses for its links,
and none of the site's navigation; a drug page on at most two sheets of A4."""

import re

import pytest
from playwright.sync_api import expect

from reviews.seed_loader import load_seed_content

# Each page of a PDF is an object of type /Page (their tree's nodes are /Pages).
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF-")
    return len(PDF_PAGE.findall(pdf))


def test_links_within_the_site_carry_their_full_address_for_print(seed, client):
    html = client.get("/therapies/sunitinib/").text
    assert (
        '<a href="/side-effects/tiredness/" '
        'data-print-url="http://testserver/side-effects/tiredness/">'
    ) in html
    assert 'data-print-url="http://testserver/topics/targeted-therapies-soft-tissue-sarcoma/"' in (
        html
    )


@pytest.fixture
def site(transactional_db, live_server):
    load_seed_content()
    return live_server.url


@pytest.mark.browser
def test_a_drug_page_prints_on_two_sheets_with_full_addresses_and_no_navigation(site, page):
    for slug in ("imatinib", "sunitinib"):
        page.goto(f"{site}/therapies/{slug}/")
        pages = pdf_pages(page.pdf(format="A4"))
        assert 1 <= pages <= 2, f"{slug} prints on {pages} pages"

    page.emulate_media(media="print")
    for hidden in (
        page.get_by_role("navigation", name="Main"),
        page.get_by_role("navigation", name="Breadcrumb"),
        page.get_by_role("navigation", name="On this page"),
        page.get_by_role("contentinfo"),
        page.get_by_role("heading", name="Was this page helpful?"),
        page.get_by_role("heading", name="How we produce our information"),
        page.get_by_role("heading", name="The language we use"),
    ):
        expect(hidden).to_be_hidden()
    expect(page.locator(".review-line")).to_be_visible()
    expect(page.get_by_role("heading", name="References")).to_be_visible()
    expect(page.get_by_text("Next review due")).to_be_visible()

    # What each link the reader sees prints after it: a full address, never a bare path.
    printed = page.evaluate(
        """() => [...document.querySelectorAll('main a[href]')]
            .filter(a => a.checkVisibility() && !/^(#|mailto:|tel:)/.test(a.getAttribute('href')))
            .map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])"""
    )
    site_links = [(href, after) for href, after in printed if href.startswith("/")]
    assert len(site_links) > 3
    for href, after in site_links:
        assert after == f'" ({site}{href})"', href
    for href, after in printed:
        assert after == "none" or re.match(r'^" \(https?://[^ ]+\)"$', after), (href, after)
