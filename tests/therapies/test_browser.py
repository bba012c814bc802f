"""A reader in a real browser: finding a drug without JavaScript, by keyboard, on a phone."""

import pytest
from playwright.sync_api import expect

from reviews.seed_loader import load_seed_content

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    load_seed_content()
    return live_server.url


def reader_at(browser, width):
    """A reader whose browser runs no JavaScript: nothing they need may depend on it."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": 740}
    )
    return context, context.new_page()


@pytest.fixture
def reader(browser):
    context, page = reader_at(browser, 360)
    yield page
    context.close()


@pytest.fixture
def small_reader(browser):
    """The narrowest phone a page must fit (WCAG 1.4.10)."""
    context, page = reader_at(browser, 320)
    yield page
    context.close()


def first_result_top(page) -> float:
    return page.locator("main .results li").first.bounding_box()["y"]


def test_reader_finds_a_drug_by_its_brand_name_without_javascript(site, reader):
    reader.goto(site + "/")
    reader.get_by_label("Drug, condition, side effect or medical word").fill("Glivec")
    reader.get_by_role("button", name="Search").click()
    reader.wait_for_url("**/search/?q=Glivec")
    # The drug, and the guide that presents it.
    expect(reader.get_by_role("heading", name="2 results for “Glivec”")).to_be_visible()
    reader.get_by_role("link", name="Imatinib (Glivec®)").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Imatinib (Glivec®)")


def test_reader_combines_filters_with_the_form(site, reader):
    reader.goto(site + "/therapies/")
    reader.locator("summary", has_text="Filter the list").click()
    reader.get_by_label("How it is taken").select_option(label="capsules")
    reader.get_by_label("Condition", exact=True).select_option(
        label="cancer with a change in the NTRK gene"
    )
    reader.get_by_role("button", name="Show drugs").click()
    expect(reader.get_by_role("heading", name="1 drug found")).to_be_visible()
    expect(reader.get_by_role("link", name="Larotrectinib (Vitrakvi®)")).to_be_visible()
    expect(reader.locator("summary")).to_have_text("Filter the list (2 in use)")
    reader.get_by_role("link", name="Remove the Condition filter").click()
    expect(reader.get_by_role("heading", name="2 drugs found")).to_be_visible()


def test_on_a_small_phone_results_come_first_and_filters_open_without_javascript(
    site, small_reader
):
    small_reader.goto(site + "/therapies/?q=gist")
    expect(small_reader.get_by_role("heading", name="3 drugs found")).to_be_visible()
    assert first_result_top(small_reader) <= 450
    small_reader.goto(site + "/therapies/")
    small_reader.locator("summary", has_text="Filter the list").click()
    small_reader.get_by_label("How it is taken").select_option(label="capsules")
    small_reader.get_by_role("button", name="Show drugs").click()
    expect(small_reader.get_by_role("heading", name="2 drugs found")).to_be_visible()
    expect(small_reader.get_by_role("link", name="Crizotinib (Xalkori®)")).to_be_visible()
    expect(small_reader.get_by_role("link", name="Larotrectinib (Vitrakvi®)")).to_be_visible()
    assert small_reader.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_misspelt_search_offers_the_word_meant_on_a_small_phone(site, small_reader):
    small_reader.goto(site + "/search/?q=imatinab")
    expect(small_reader.get_by_text("Did you mean imatinib?")).to_be_visible()
    assert small_reader.evaluate("document.documentElement.scrollWidth") <= 320
    small_reader.locator(".did-you-mean").get_by_role("link", name="imatinib").click()
    small_reader.wait_for_url("**/search/?q=imatinib")
    expect(small_reader.get_by_role("heading", name="results for “imatinib”")).to_be_visible()
    expect(small_reader.get_by_text("Did you mean")).to_have_count(0)
    expect(small_reader.get_by_role("link", name="Imatinib (Glivec®)")).to_be_visible()
    assert first_result_top(small_reader) <= 450


def test_the_first_tab_reaches_the_skip_link_which_jumps_to_the_content(site, page):
    page.goto(site + "/topics/targeted-therapies-soft-tissue-sarcoma/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_topic_page_fits_a_phone_screen(site, reader):
    reader.goto(site + "/topics/targeted-therapies-soft-tissue-sarcoma/")
    scroll_width = reader.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360


def test_printed_page_keeps_content_and_sources_but_not_navigation(site, page):
    page.emulate_media(media="print")
    page.goto(site + "/therapies/sunitinib/")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("heading", name="About our information")).to_be_visible()
    expect(page.get_by_text("approved by senior medical editor Fiona Cowie")).to_be_visible()
