"""A topic is edited on one form: its sections and the therapies each presents, put in order
with up and down buttons (or, without JavaScript, by choosing the therapies in order), saved
with one change summary as one revision."""

import pytest
from playwright.sync_api import expect
from reversion.models import Revision

from reviews.models import AuditEvent
from reviews.seed_loader import load_seed_content
from reviews.versions import versions_of
from tests.admin_forms import form_data, open_form, post_form, save
from therapies.models import Therapy, Topic, TopicSection, TopicSectionTherapy

TOPIC = "/admin/therapies/topic/{}/change/"
SECTION = "/admin/therapies/topicsection/{}/change/"
# The seed's sections, in order: the heading-less one presents these three.
DRUGS_ONLY = 1
OTHER_DRUGS = 2


def ids(*slugs) -> list[str]:
    return [str(Therapy.objects.get(slug=slug).pk) for slug in slugs]


def presented(section: TopicSection) -> list[str]:
    return [link.therapy.slug for link in section.presented.select_related("therapy")]


def order_of(topic: Topic) -> list[str]:
    return [section.heading or "(drugs only)" for section in topic.sections.all()]


def counts(topic: Topic) -> tuple[int, int, int]:
    return (
        Revision.objects.count(),
        versions_of(topic).count(),
        AuditEvent.objects.for_item(topic).count(),
    )


@pytest.fixture
def topic(seed):
    return Topic.objects.get()


def test_sections_and_their_therapies_are_reordered_and_saved_as_one_revision(topic, as_user):
    client = as_user("editor")
    url = TOPIC.format(topic.pk)
    html = client.get(url).text
    # Nobody types a position: it is hidden, and follows the order on the page.
    assert 'type="hidden" name="sections-0-position"' in html
    revisions, topic_versions, events = counts(topic)
    save(
        client,
        url,
        note="Pazopanib and friends first; sunitinib leads",
        **{
            # As the page's script numbers them once "Other targeted therapy drugs" moved up.
            "sections-0-position": "0",
            f"sections-{DRUGS_ONLY}-position": "2",
            f"sections-{OTHER_DRUGS}-position": "1",
            "sections-3-position": "3",
            f"sections-{DRUGS_ONLY}-presented": ids("sunitinib", "imatinib", "regorafenib"),
        },
    )
    assert order_of(topic) == [
        "About targeted therapy for soft tissue sarcoma",
        "Other targeted therapy drugs",
        "(drugs only)",
        "More information",
    ]
    drugs_only = topic.sections.get(heading="", body="")
    assert presented(drugs_only) == ["sunitinib", "imatinib", "regorafenib"]

    # One save: one revision, of the topic, with one audit event.
    assert counts(topic) == (revisions + 1, topic_versions + 1, events + 1)
    revision = versions_of(topic).last().revision
    assert revision.comment == "Pazopanib and friends first; sunitinib leads"
    held = {(v._model, v.object_id): v.field_dict for v in revision.version_set.all()}
    for section in topic.sections.all():
        assert held[(TopicSection, str(section.pk))]["position"] == section.position
        for link in section.presented.all():
            assert held[(TopicSectionTherapy, str(link.pk))]["position"] == link.position
    assert [
        held[(TopicSectionTherapy, str(link.pk))]["therapy_id"]
        for link in drugs_only.presented.all()
    ] == [int(pk) for pk in ids("sunitinib", "imatinib", "regorafenib")]

    # The form opens again in the new order.
    data = open_form(client, url)
    assert data["sections-1-heading"] == ["Other targeted therapy drugs"]
    assert data["sections-2-presented"] == [*ids("sunitinib", "imatinib", "regorafenib"), "", ""]


def test_without_javascript_therapies_are_chosen_in_order_and_a_section_added(topic, as_user):
    client = as_user("editor")
    url = TOPIC.format(topic.pk)
    data = open_form(client, url)
    new = int(data["sections-TOTAL_FORMS"][0]) - 1  # the empty section the form offers
    response = post_form(
        client,
        url,
        data,
        change_summary="Regorafenib out, larotrectinib in; a new section",
        **{
            f"sections-{DRUGS_ONLY}-presented": [
                *ids("imatinib"),
                "",
                *ids("sunitinib", "larotrectinib"),
                "",
            ],
            # A hand-edited page: a position that is not one counts as none.
            f"sections-{OTHER_DRUGS}-position": "not a number",
            f"sections-{new}-heading": "Drugs in trials",
            f"sections-{new}-presented": ["", *ids("pazopanib")],
        },
    )
    assert response.status_code == 302
    assert presented(topic.sections.get(heading="", body="")) == [
        "imatinib",
        "sunitinib",
        "larotrectinib",
    ]
    assert order_of(topic) == [
        "About targeted therapy for soft tissue sarcoma",
        "(drugs only)",
        "Other targeted therapy drugs",
        "More information",
        "Drugs in trials",
    ]
    assert [s.position for s in topic.sections.all()] == [0, 1, 2, 3, 4]
    assert presented(topic.sections.get(heading="Drugs in trials")) == ["pazopanib"]
    assert versions_of(topic).last().revision.comment.startswith("Regorafenib out")


def refused(client, url, data, **changes):
    """Post the form; it must come back with an error, having written nothing."""
    topic = Topic.objects.get()
    before = counts(topic), TopicSectionTherapy.objects.count()
    response = post_form(client, url, data, change_summary="Typed summary", **changes)
    assert response.status_code == 200
    assert "Please correct the error" in response.text
    assert (counts(topic), TopicSectionTherapy.objects.count()) == before
    return response


def test_a_therapy_chosen_twice_in_a_section_is_an_error_that_keeps_the_input(topic, as_user):
    client = as_user("editor")
    url = TOPIC.format(topic.pk)
    chosen = ids("imatinib", "sunitinib", "imatinib")
    response = refused(
        client,
        url,
        open_form(client, url),
        **{
            f"sections-{DRUGS_ONLY}-presented": chosen,
            f"sections-{DRUGS_ONLY}-heading": "A heading I typed",
        },
    )
    assert "imatinib is chosen more than once" in response.text
    kept = form_data(response.text)
    assert kept[f"sections-{DRUGS_ONLY}-presented"] == [*chosen, "", ""]
    assert kept[f"sections-{DRUGS_ONLY}-heading"] == ["A heading I typed"]
    assert kept["change_summary"] == ["Typed summary"]


@pytest.mark.parametrize("posted", ["999999", "abc", "9" * 25, "1 OR 1=1"])
def test_a_therapy_that_is_not_in_the_list_is_an_error_that_keeps_the_input(topic, as_user, posted):
    client = as_user("editor")
    url = TOPIC.format(topic.pk)
    chosen = [*ids("imatinib"), posted]
    response = refused(
        client, url, open_form(client, url), **{f"sections-{DRUGS_ONLY}-presented": chosen}
    )
    assert "is not a therapy in the list" in response.text
    # Shown where it was posted, named as not in the list, beside the error.
    assert form_data(response.text)[f"sections-{DRUGS_ONLY}-presented"] == [*chosen, "", ""]
    assert f"Not in the list ({posted})" in response.text


def test_a_section_without_a_heading_is_named_by_its_words_or_its_place(topic, as_user):
    html = as_user("editor").get(TOPIC.format(topic.pk)).text
    assert '<span class="inline_label">Section without a heading (position 2)' in html
    assert '<span class="inline_label">Section 1' not in html
    section = topic.sections.get(heading="", body="")
    section.body = "Targeted therapy uses drugs to find and attack cancer cells."
    assert (
        str(section) == "Section without a heading: Targeted therapy uses drugs to find and attack…"
    )


def test_a_section_moved_to_another_topic_goes_last_there(topic, as_user):
    other = Topic.objects.create(title="Chemotherapy for sarcoma", slug="chemotherapy")
    TopicSection.objects.create(topic=other, heading="What chemotherapy is", position=0)
    section = topic.sections.get(heading="Other targeted therapy drugs")
    client = as_user("editor")
    html = client.get(SECTION.format(section.pk)).text
    assert "position" not in form_data(html)
    save(
        client,
        SECTION.format(section.pk),
        note="Moved to the chemotherapy guide",
        topic=str(other.pk),
        presented=ids("crizotinib", "pazopanib"),
    )
    section.refresh_from_db()
    assert (section.topic, section.position) == (other, 1)
    assert presented(section) == ["crizotinib", "pazopanib"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_moves_a_therapy_and_a_section_with_the_keyboard(browser, live_server, people):
    load_seed_content()
    topic = Topic.objects.get()
    sunitinib, imatinib = ids("sunitinib", "imatinib")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(live_server.url + TOPIC.format(topic.pk))

    drugs = page.locator(f"#sections-{DRUGS_ONLY} .therapies-in-order-row")
    drugs.nth(1).get_by_role("button", name="Move up").focus()
    page.keyboard.press("Enter")
    # Sunitinib's row is first now, and its button still has the focus.
    expect(drugs.nth(0).locator("select")).to_have_value(sunitinib)
    expect(drugs.nth(0).get_by_role("button", name="Move up")).to_be_focused()
    # Of the section's three therapies: not counting the empty boxes to choose another in.
    expect(page.locator("#order-status")).to_have_text("sunitinib is now therapy 1 of 3.")

    section_up = page.locator(f"#sections-{OTHER_DRUGS}").get_by_role(
        "button", name="Move section up"
    )
    section_up.focus()
    page.keyboard.press("Enter")
    expect(section_up).to_be_focused()
    # Of the topic's four sections: not counting the empty form for a new one.
    expect(page.locator("#order-status")).to_have_text(
        "“Other targeted therapy drugs” is now section 2 of 4."
    )

    page.get_by_label("Change summary").fill("Sunitinib first, other drugs earlier")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#id_sections-1-heading")).to_have_value("Other targeted therapy drugs")
    selects = page.locator("#sections-2 .therapies-in-order-row select")
    expect(selects.nth(0)).to_have_value(sunitinib)
    expect(selects.nth(1)).to_have_value(imatinib)

    older, newer = list(versions_of(topic).values_list("revision_id", flat=True))[-2:]
    page.goto(
        f"{live_server.url}/admin/therapies/topic/{topic.pk}/compare/?older={older}&newer={newer}"
    )
    expect(page.get_by_text("Therapy presented changed").first).to_be_visible()
    expect(page.get_by_text("Topic section changed: Other targeted therapy drugs")).to_be_visible()
    context.close()
