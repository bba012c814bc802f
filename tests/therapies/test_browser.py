"""A reader in a real browser: finding a drug without JavaScript, by keyboard, on a phone."""

import pytest
from playwright.sync_api import expect

from reviews.seed_loader import load_seed_content

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    load_seed_content()
    return live_server.url


@pytest.fixture
def reader(browser):
    """A reader whose browser runs no JavaScript: nothing they need may depend on it."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def test_reader_finds_a_drug_by_its_brand_name_without_javascript(site, reader):
    reader.goto(site + "/")
    reader.get_by_label("Drug name, brand, condition or side effect").fill("Glivec")
    reader.get_by_role("button", name="Search").click()
    reader.wait_for_url("**/therapies/?q=Glivec")
    expect(reader.get_by_role("heading", name="1 drug found")).to_be_visible()
    reader.get_by_role("link", name="Imatinib (Glivec®)").click()
    assert reader.get_by_role("heading", level=1).inner_text() == "Imatinib (Glivec®)"


def test_reader_combines_filters_with_the_form(site, reader):
    reader.goto(site + "/therapies/")
    reader.get_by_label("How it is taken").select_option(label="capsules")
    reader.get_by_label("Condition", exact=True).select_option(
        label="cancer with a change in the NTRK gene"
    )
    reader.get_by_role("button", name="Show drugs").click()
    expect(reader.get_by_role("heading", name="1 drug found")).to_be_visible()
    expect(reader.get_by_role("link", name="Larotrectinib (Vitrakvi®)")).to_be_visible()
    reader.get_by_role("link", name="Remove the Condition filter").click()
    expect(reader.get_by_role("heading", name="2 drugs found")).to_be_visible()


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
