"""Every public page type, checked by axe-core and the Nu Html Checker in Chromium, by keyboard,
at 320 pixels wide, and printed. Screenshots go to test-artifacts/screenshots/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import expect

from tests.accessibility.conftest import PUBLIC_PAGES, SCREENSHOTS

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Searches as readers type them: a near spelling (a "Did you mean" offered), and nothing found.
PAGES = {
    **PUBLIC_PAGES,
    "search-near-spelling": "/search/?q=imatinab",
    "search-nothing-found": "/search/?q=xyzzy",
    "therapy-list-near-spelling": "/therapies/?q=imatinab",
}


def axe_problems(page) -> str:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.generate_report() if results.violations_count else ""


def feedback_error_page(page, site):
    """The page a reader gets when they send feedback without answering."""
    page.goto(site + "/feedback/therapy/sunitinib/")
    page.get_by_label("Tell us more (optional)").fill("Hard to follow.")
    # The browser asks for an answer first; a browser that does not is answered by the server.
    page.evaluate("document.querySelector('.feedback form').noValidate = true")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feedback was not sent")


def test_no_axe_violations_on_any_public_page(site, browser):
    problems = {}
    for width in [1280, 320]:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(site + path)
            problems[f"{name} at {width}px"] = axe_problems(page)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        feedback_error_page(page, site)
        problems[f"feedback-error at {width}px"] = axe_problems(page)
        page.screenshot(path=SCREENSHOTS / f"feedback-error-{width}.png", full_page=True)
        context.close()
    found = {name: report for name, report in problems.items() if report}
    assert not found, "\n\n".join(f"== {name}\n{report}" for name, report in found.items())


def test_no_html_errors_on_any_public_page(site, validate_html):
    client = Client()
    documents = {name: client.get(path).content for name, path in PAGES.items()}
    documents["feedback-error"] = client.post(
        "/feedback/therapy/sunitinib/", {"comment": "Hard to follow."}
    ).content
    errors = validate_html(documents)
    assert errors == {name: [] for name in documents}


def test_nothing_scrolls_sideways_at_320_pixels_and_targets_are_big_enough(site, browser):
    page = browser.new_context(viewport={"width": 320, "height": 700}).new_page()
    for name, path in PAGES.items():
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
        small = page.evaluate(
            """() => [...document.querySelectorAll(
                    'button, input:not([type=hidden]), select, textarea, summary, nav a,'
                    + ' .pagination a')]
                .filter(e => e.offsetParent !== null)
                .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
                .filter(([, r]) => r.width < 24 || r.height < 24)
                .map(([html]) => html)"""
        )
        assert small == [], name


def test_every_control_is_reached_in_order_with_focus_visible(site, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(site + PAGES["therapy-list-filtered"])
    tabbable = page.evaluate(
        """() => [...document.querySelectorAll(
                'a[href], button, input:not([type=hidden]), select, textarea, summary')]
            .filter(e => e.offsetParent !== null || e.classList.contains('skip-link'))
            .map(e => e.outerHTML)"""
    )
    visited = []
    for _ in range(len(tabbable)):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const e = document.activeElement, r = e.getBoundingClientRect();
                const style = getComputedStyle(e);
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                const hit = document.elementFromPoint(x, y);
                return {
                    html: e.outerHTML,
                    inView: r.bottom > 0 && r.top < innerHeight
                        && r.right > 0 && r.left < innerWidth,
                    unobscured: hit !== null && (e === hit || e.contains(hit) || hit.contains(e)),
                    ring: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
                };
            }"""
        )
        assert state["inView"] and state["unobscured"], state["html"]
        assert state["ring"], f"no visible focus on {state['html']}"
        visited.append(state["html"])
    assert visited == tabbable


def test_the_print_view_keeps_the_review_box_and_shows_link_addresses(site, browser):
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(site + PAGES["therapy"])
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("heading", name="Was this page helpful?")).to_be_hidden()
    expect(page.get_by_role("heading", name="About our information")).to_be_visible()
    expect(page.get_by_text("Next review")).to_be_visible()
    printed = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('main a[href^="/side-effects/"]'), '::after').content"""
    )
    assert "/side-effects/" in printed


def test_a_reader_finds_reads_and_answers_by_keyboard_and_mouse(site, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(site + "/")
    page.get_by_label("Drug, condition, side effect or medical word").fill("Sutent")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 results for “Sutent”")).to_be_visible()
    expect(page.get_by_role("link", name="Sunitinib (Sutent®)")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find a drug").click()
    page.locator("summary", has_text="Filter the list").click()
    page.get_by_label("Condition", exact=True).select_option(
        label="gastrointestinal stromal tumour (GIST)"
    )
    page.get_by_role("button", name="Show drugs").click()
    expect(page.get_by_role("heading", name="3 drugs found")).to_be_visible()
    page.get_by_role("link", name="Sunitinib (Sutent®)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunitinib (Sutent®)")
    box = page.get_by_role("region", name="About our information")
    expect(box).to_contain_text("approved by senior medical editor Fiona Cowie")
    expect(box).to_contain_text("Next review")
    # A medical word's explanation, reached by keyboard alone.
    term = page.locator("a.term").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('term')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('term')")
    slug = term.get_attribute("href").removeprefix("#")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{slug}")).to_be_in_viewport()
    # Feedback: the answer on the page, then a comment on the next.
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about this page")
    expect(page.get_by_label("Yes")).to_be_checked()
    page.get_by_label("Tell us more (optional)").fill("Clear and kind.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")


def test_the_checkers_do_find_problems(browser, validate_html):
    # A check that can never fail proves nothing: show each one failing on a broken page.
    broken = "<!DOCTYPE html><html><head></head><body><img src='x.png'><p><div></p></body></html>"
    page = browser.new_page()
    page.set_content(broken)
    assert "image-alt" in axe_problems(page)
    errors = validate_html({"broken": broken.encode()})["broken"]
    assert errors and any("title" in error for error in errors)
