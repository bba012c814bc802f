"""What every page says of itself is true of that page: the glossary names who approved each
entry, the pages about the site show what the site says every page shows, a page adapted from
another organisation says so, and no page prints a promise it does not keep."""

import json
import re

import pytest
from django.utils import timezone

from reviews.models import ReviewRequest
from tests.admin_forms import save
from tests.reviews.test_seed import TOPIC_URL, text_of
from tests.reviews.test_workflow import approve_all
from tests.therapies.test_publisher import unkept_promise_listed
from therapies import readability, rich_text
from therapies.models import (
    GlossaryTerm,
    InformationPage,
    PublishedPage,
    SideEffect,
    Therapy,
    Topic,
    TopicSection,
)
from therapies.publishing import build_snapshot, publish

FIONA = "senior medical editor Fiona Cowie, Consultant Clinical Oncologist"
NEW_EXPLANATION = "Treatment after surgery, to make it less likely the cancer comes back."
NOTE = "We explained this word in simpler words."


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])


def test_the_glossary_names_who_approved_each_entry_after_a_change(seed, as_user, client):
    # Before: one person approved every entry, and the page says so once.
    text = text_of(client.get("/glossary/"))
    assert f"This information has been approved by {FIONA}." in text
    term = GlossaryTerm.objects.get(slug="adjuvant-therapy")
    save(
        as_user("editor"),
        f"/admin/therapies/glossaryterm/{term.pk}/change/",
        note="Simpler words.",
        explanation=NEW_EXPLANATION,
    )
    response = as_user("editor").post(
        f"/admin/therapies/glossaryterm/{term.pk}/submit/",
        {"summary": "Simpler words.", "reader_note": NOTE},
    )
    assert response.status_code == 302, response.text[:3000]
    approve_all(as_user, ReviewRequest.objects.for_item(term).latest("pk"))
    published = PublishedPage.objects.get(kind="glossary_term", slug="adjuvant-therapy")
    assert published.approved_by.name == "Dr Senior"

    client.logout()
    html = client.get("/glossary/").text
    text = text_of(client.get("/glossary/"))
    assert NEW_EXPLANATION in text
    # Nobody is named for entries they never approved.
    assert "This information has been approved by" not in text
    assert (
        "The explanation of adjuvant therapy has been approved by senior medical editor "
        "Dr Senior, Consultant." in text
    )
    assert (
        "The explanations of inhibiting, targeted therapy, tyrosine kinase and tyrosine kinase "
        f"inhibitor (TKI) have been approved by {FIONA}." in text
    )
    assert json_ld(html)["reviewedBy"] == [
        {"@type": "Person", "name": "Dr Senior", "jobTitle": "Consultant"},
        {"@type": "Person", "name": "Fiona Cowie", "jobTitle": "Consultant Clinical Oncologist"},
    ]
    # The note written for readers is shown with the entry it is about.
    today = timezone.localdate()
    entry = re.search(r'<div id="adjuvant-therapy">.*?</div>', html, re.S).group()
    assert f"Latest change, published {today.day} {today:%B %Y}: {NOTE}" in text_of_html(entry)
    assert "Simpler words." not in html


def test_an_approver_who_renewed_their_declaration_is_still_one_person(seed, client):
    term = PublishedPage.objects.get(kind="glossary_term", slug="adjuvant-therapy")
    renewed = term.approved_by
    renewed.pk = None  # the same person, as they signed after confirming their declaration
    renewed.declaration = "None declared (confirmed)."
    renewed.save()
    PublishedPage.objects.filter(pk=term.pk).update(approved_by=renewed)
    html = client.get("/glossary/").text
    assert f"This information has been approved by {FIONA}." in text_of(client.get("/glossary/"))
    assert json_ld(html)["reviewedBy"]["name"] == "Fiona Cowie"  # one Person, not a list


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_a_page_about_the_site_shows_what_it_says_every_page_shows(seed, client, record_review):
    about = InformationPage.objects.get(slug="about-us")
    # The seeded text, as editors will send it for review:
    assert (
        "Every page says when it was reviewed, who approved it, its sources and when it will "
        "next be reviewed." in about.body
    )
    publish(build_snapshot(about), review=record_review(about))
    text = text_of(client.get("/about/about-us/"))
    assert "Reviewed 5 January 2026 · Next review due 5 January 2029" in text
    assert (
        "This information has been approved by senior medical editor Dr Test Approver, "
        "Consultant Oncologist." in text
    )
    assert (
        "Sources and approval This page has no sources to list: it is about this website, not "
        "about health or treatment." in text
    )


def test_the_footer_claims_only_what_pages_of_information_show(seed, client):
    footer = client.get("/").text.split('<footer class="site-footer">')[1]
    assert "<p>Every page of our information says when it was reviewed" in footer
    assert "<p>Every page says" not in footer


def test_an_adapted_page_says_it_was_adapted_where_it_says_how_it_was_produced(seed, client):
    text = text_of(client.get(TOPIC_URL))
    assert (
        "How we produce our information Our information team adapted this page from “Targeted "
        "therapies for soft tissue sarcoma” by Macmillan Cancer Support (see References above "
        "for its sources)." in text
    )
    assert "writes each page" not in text
    # A page of our own writing says so.
    assert "Our information team writes each page from the sources listed above." in text_of(
        client.get("/therapies/imatinib/")
    )


def topic_form(as_user) -> str:
    return as_user("editor").get(f"/admin/therapies/topic/{Topic.objects.get().pk}/change/").text


def more_information() -> TopicSection:
    return TopicSection.objects.get(heading="More information")


MORE = "We have more general information about targeted therapy."


def test_a_promise_of_more_information_with_no_link_is_flagged_and_not_printed(
    seed, as_user, client
):
    assert f"“{MORE}”" in topic_form(as_user)
    html = client.get(TOPIC_URL).text
    assert "more general information" not in html
    # Its section had nothing else to say: no heading over nothing, nor in the contents list.
    assert ">More information<" not in html
    # With its link, the promise is kept: printed, and not listed for editors.
    section = more_information()
    section.body = (
        "We have [more general information about targeted therapy]"
        "(https://www.example.org/targeted-therapy)."
    )
    section.save()
    topic = Topic.objects.get()
    publish(build_snapshot(topic), review=topic_review(topic))
    assert "links to none" not in topic_form(as_user)
    html = client.get(TOPIC_URL).text
    assert '<a href="https://www.example.org/targeted-therapy"' in html
    assert re.search(r"<h2[^>]*>More information</h2>", html)


def topic_review(topic):
    return PublishedPage.objects.get(kind="topic", object_id=topic.pk).review


def test_a_promise_broken_across_lines_is_listed_for_editors_too(seed, as_user):
    therapy = Therapy.objects.get(generic_name="imatinib")
    therapy.summary = "Imatinib is a tablet. We\nhave more information about GIST."
    therapy.save()
    dashboard = as_user("editor").get("/admin/").text
    assert (
        f'<a href="/admin/therapies/therapy/{therapy.pk}/change/">imatinib</a>: sends readers '
        "to a video or to more information, and links to none" in dashboard
    )


def test_a_link_in_another_sentence_keeps_no_promise_of_a_video(seed, as_user, client):
    section = more_information()
    section.body = "You can watch a video about it. Read [the NHS page](https://www.nhs.uk/)."
    section.save()
    topic = Topic.objects.get()
    publish(build_snapshot(topic), review=topic_review(topic))
    html = client.get(TOPIC_URL).text
    assert "watch a video" not in html
    assert '<a href="https://www.nhs.uk/"' in html
    assert "“You can watch a video about it.”" in topic_form(as_user)
    assert "Targeted therapies for soft tissue sarcoma" in unkept_promise_listed(as_user)


PROMISES = [
    "We have a video about how it works. Ask your nurse.",
    "You can watch a video about it. Read [the NHS page](https://www.nhs.uk/).",
    "Intro.\n\nWe've got other leaflets too.\n- one\n- two",
    "First line.\nThere is a short video about it.",
]
NOT_PROMISES = [
    "You can see your doctor by video. Ask about a video appointment.",
    "We have more information below.",
    "You can watch [a video](https://www.nhs.uk/video) about it.",
    "We have [more information](https://www.example.org/) about it. Ask us.",
    "- Watch the video we sent you.",
    "Ask your nurse for a video appointment.",
]


@pytest.mark.parametrize("text", PROMISES + NOT_PROMISES)
def test_what_editors_are_told_of_is_exactly_what_readers_are_not_shown(text):
    listed = readability.promised_videos(SideEffect(what_it_is=text))
    printed = " ".join(rich_text.plain(text).split())
    assert bool(listed) == (text in PROMISES)
    for sentence in listed:
        assert sentence not in printed
    # Everything else is printed as written.
    expected = text
    for sentence in listed:
        expected = expected.replace(sentence, "")
    kept = rich_text.without_unkept_promises(text)
    assert " ".join(kept.split()) == " ".join(expected.split())
