"""One change, walked through in Chromium by the people who make it: the editor saves it and
sends it for review, both reviewers approve it, the senior medical editor gives final approval,
and readers see it."""

import pytest
from playwright.sync_api import expect

from reviews.seed_loader import load_seed_content
from tests.accessibility.conftest import SCREENSHOTS
from therapies.models import Therapy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_SUMMARY = "Imatinib is a targeted therapy drug called a TKI."


@pytest.fixture
def site(people, live_server):
    load_seed_content()
    return live_server.url


def signed_in(browser, site, username):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/admin/")
    return page


def test_a_change_walks_from_editor_to_reader(browser, site):
    imatinib = Therapy.objects.get(slug="imatinib")
    editor = signed_in(browser, site, "editor")
    editor.goto(f"{site}/admin/therapies/therapy/{imatinib.pk}/change/")
    editor.locator("#id_summary").fill(NEW_SUMMARY)
    editor.get_by_label("Change summary").fill("Say what a TKI is in plain words.")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.get_by_text("Draft: revision 2 is not yet approved.")).to_be_visible()
    editor.get_by_role("link", name="Send for review").first.click()
    expect(editor.locator("ins", has_text="targeted").first).to_be_visible()
    # The browser posted every text area with "\r\n": only the field edited shows as changed.
    changed = editor.locator("table.comparison").first.locator("tbody th")
    expect(changed).to_have_count(1)
    expect(changed).to_have_text("Summary")
    editor.get_by_role("link", name="Preview as readers will see it").click()
    expect(editor.get_by_text("Preview of revision 2 of “imatinib”: not published")).to_be_visible()
    # The new summary, and the medical word it brings to the page's word list, with its meaning.
    expect(editor.locator("[data-changed]")).to_have_count(3)
    expect(editor.locator("[data-changed]").first).to_contain_text(NEW_SUMMARY)
    expect(editor.locator("dt[data-changed]")).to_contain_text("targeted therapy")
    for width in (1280, 320):
        editor.set_viewport_size({"width": width, "height": 900})
        editor.screenshot(path=str(SCREENSHOTS / f"admin-preview-{width}.png"), full_page=True)
        assert editor.evaluate("document.documentElement.scrollWidth") <= width
    editor.set_viewport_size({"width": 1280, "height": 900})
    editor.get_by_role("link", name="Back to editing").click()
    editor.get_by_role("link", name="Send for review").first.click()
    editor.get_by_label("Summary").fill("Plainer opening sentence.")
    editor.get_by_role("button", name="Send for review").click()
    expect(editor.get_by_text("Revision 2 is in review.")).to_be_visible()

    reader = browser.new_page()
    reader.goto(f"{site}/therapies/imatinib/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Imatinib (Glivec®)")
    assert reader.get_by_text(NEW_SUMMARY).count() == 0

    for username, button, told in [
        ("clinical", "Approve", "Approved. Waiting for the lay reviewer and the senior medical "),
        ("lay", "Approve", "Approved. Waiting for the senior medical editor."),
        ("senior", "Approve and publish", "Approved and published: readers now see revision 2"),
    ]:
        reviewer = signed_in(browser, site, username)
        reviewer.get_by_role("link", name="Awaiting my review, with what changed").click()
        reviewer.get_by_role("link", name="imatinib", exact=True).click()
        expect(reviewer.get_by_text("Plainer opening sentence.")).to_be_visible()
        reviewer.get_by_label("Your remarks").fill("Clinically accurate.")
        reviewer.get_by_role("button", name=button, exact=True).click()
        expect(reviewer.get_by_text(told)).to_be_visible()
        reader.reload()
        shown = reader.get_by_text(NEW_SUMMARY).count()
        assert shown == (1 if username == "senior" else 0), username

    expect(reader.get_by_text("approved by senior medical editor Dr Senior")).to_be_visible()
