"""The change list and the change form tell editors where each page stands and what comes next."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from reviews import services
from reviews.models import PageReview, ReviewRequest
from tests.admin_forms import form_data, open_form, post_form, save
from tests.reviews.test_workflow import CHANGE, decide, edit_summary, submit
from therapies.models import Condition, GlossaryTerm, PublishedPage, Therapy
from therapies.publishing import pages_showing

LIST = "/admin/therapies/therapy/"
ADD = "/admin/therapies/therapy/add/"


def therapy(slug: str) -> Therapy:
    return Therapy.objects.get(slug=slug)


def statuses(html: str) -> dict[str, str]:
    """Each listed therapy's name and its status column, as text."""
    rows = re.findall(
        r'<th class="field-generic_name"><a [^>]*>([^<]+)</a></th>.*?'
        r'<td class="field-status">(.*?)</td>',
        html,
        flags=re.S,
    )
    return {name: " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for name, cell in rows}


def add_draft(client, name: str) -> Therapy:
    response = post_form(
        client,
        ADD,
        open_form(client, ADD),
        generic_name=name,
        slug=name,
        summary="A new drug.",
        change_summary="First draft.",
    )
    assert response.status_code == 302, response.text[:2000]
    return therapy(name)


def request_changes(as_user, page, comment="Explain what a TKI is."):
    edit_summary(as_user, page, f"A change to {page}.")
    request = submit(as_user, page)
    response = decide(
        as_user, request, "clinical", "clinical_reviewer", "changes_requested", comment
    )
    assert response.status_code == 302, response.text[:2000]
    return request


def withdraw(people, page):
    published = PublishedPage.objects.get(kind="therapy", object_id=page.pk)
    services.withdraw(page=published, user=people["senior"], reason="New evidence.")


def due_later():
    """The seed's pages were reviewed long ago: none is overdue unless a test says so."""
    PageReview.objects.update(next_review_due=timezone.localdate() + datetime.timedelta(days=30))


@pytest.fixture
def every_state(seed, as_user, people):
    """The seed's therapies, one in each state: sunitinib and larotrectinib stay published."""
    due_later()
    edit_summary(as_user, therapy("imatinib"), "A clearer summary.")
    edit_summary(as_user, therapy("pazopanib"), "Sent.")
    submit(as_user, therapy("pazopanib"))
    request_changes(as_user, therapy("regorafenib"))
    withdraw(people, therapy("crizotinib"))
    add_draft(as_user("editor"), "newinib")


EXPECTED = {
    "imatinib": "Published, with draft changes",
    "sunitinib": "Published",
    "larotrectinib": "Published",
    "pazopanib": "In review (published)",
    "regorafenib": "Changes requested (published)",
    "crizotinib": "Withdrawn",
    "newinib": "Draft",
}


def test_the_list_shows_where_each_page_stands(every_state, as_user):
    assert statuses(as_user("editor").get(LIST).text) == EXPECTED


@pytest.mark.parametrize(
    ("status", "listed"),
    [
        ("published", {"sunitinib", "larotrectinib"}),
        ("draft_changes", {"imatinib"}),
        ("draft", {"newinib"}),
        ("in_review", {"pazopanib"}),
        ("changes_requested", {"regorafenib"}),
        ("withdrawn", {"crizotinib"}),
    ],
)
def test_the_list_filters_by_status(every_state, as_user, status, listed):
    response = as_user("editor").get(LIST, {"status": status})
    assert set(statuses(response.text)) == listed


def test_the_status_filter_is_offered_with_each_status(every_state, as_user):
    html = as_user("editor").get(LIST).text
    for label in [*set(EXPECTED.values()), "Review overdue"]:
        label = label.removesuffix(" (published)")
        assert f">{label}</a>" in html, label


def test_a_published_page_past_its_review_date_is_marked_overdue(every_state, as_user):
    today = timezone.localdate()
    for slug in ["sunitinib", "crizotinib"]:  # a published page, and a withdrawn one
        PageReview.objects.for_item(therapy(slug)).update(next_review_due=today)
    client = as_user("editor")
    shown = statuses(client.get(LIST).text)
    assert shown["sunitinib"] == "Published Review overdue"
    assert shown["crizotinib"] == "Withdrawn", "readers cannot see it: nothing is overdue"
    assert shown["larotrectinib"] == "Published"
    assert set(statuses(client.get(LIST, {"status": "overdue"}).text)) == {"sunitinib"}
    form = client.get(CHANGE.format(therapy("sunitinib").pk)).text
    assert '<span class="status-tag status-overdue">Review overdue</span>' in form


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_whatever_state_its_pages_are_in(seed, as_user, people):
    urls = [LIST, f"{LIST}?status=in_review", f"{LIST}?status=overdue"]
    before = [queries_for(as_user("editor"), url) for url in urls]
    edit_summary(as_user, therapy("imatinib"), "A clearer summary.")
    edit_summary(as_user, therapy("pazopanib"), "Sent.")
    submit(as_user, therapy("pazopanib"))
    request_changes(as_user, therapy("regorafenib"))
    withdraw(people, therapy("crizotinib"))
    for name in ["newinib", "nextinib"]:
        add_draft(as_user("editor"), name)
    assert [queries_for(as_user("editor"), url) for url in urls] == before


def test_view_on_site_is_offered_only_for_a_page_readers_can_see(every_state, as_user):
    client = as_user("editor")
    link = re.compile(r'<a href="([^"]*)" class="viewsitelink">View on site</a>')
    form = client.get(CHANGE.format(therapy("imatinib").pk)).text
    assert link.findall(form) == ["/therapies/imatinib/"], "readers see the published revision"
    for slug in ["crizotinib", "newinib"]:
        assert not link.search(client.get(CHANGE.format(therapy(slug).pk)).text), slug
    term = PublishedPage.objects.filter(kind="glossary_term").first()
    form = client.get(f"/admin/therapies/glossaryterm/{term.object_id}/change/").text
    assert link.findall(form) == [f"/glossary/#{term.slug}"]
    draft = GlossaryTerm.objects.exclude(
        pk__in=PublishedPage.objects.filter(kind="glossary_term").values("object_id")
    ).first()
    form = client.get(f"/admin/therapies/glossaryterm/{draft.pk}/change/").text
    assert not link.search(form)


def test_the_change_summary_comes_after_the_inlines_just_above_save(seed, as_user):
    client = as_user("editor")
    url = CHANGE.format(therapy("imatinib").pk)
    html = client.get(url).text
    summary = html.index('name="change_summary"')
    last_inline = html.index('id="reviews-pagereview-content_type-object_id-group"')
    assert last_inline < summary < html.index('class="submit-row"')
    assert html.count('name="change_summary"') == 1
    assert html.index('name="generic_name"') < last_inline
    # Still part of the form a browser posts, with the fields that catch a conflicting save.
    data = form_data(html)
    assert {"change_summary", "opened_edit_version", "opened_revision"} <= data.keys()
    save(client, url, note="Posted from the bottom of the form.", summary="New words.")
    assert therapy("imatinib").summary == "New words."


def messages_after(response, client) -> str:
    """The last message shown on the page the response leads to."""
    return list(client.get(response.url).context["messages"])[-1].message


def test_a_save_says_what_happened_and_offers_to_send_it(seed, as_user):
    client = as_user("editor")
    imatinib = therapy("imatinib")
    response = save(client, CHANGE.format(imatinib.pk), note="Clearer.", summary="Clearer.")
    assert response.url == LIST
    message = messages_after(response, client)
    assert message.startswith("Saved “imatinib” as revision 2. Readers still see revision 1 ")
    assert f'<a class="button" href="/admin/therapies/therapy/{imatinib.pk}/submit/">' in message
    assert "Send for review</a>" in message


def test_adding_a_page_says_readers_cannot_see_it_yet(seed, as_user):
    client = as_user("editor")
    response = post_form(
        client,
        ADD,
        open_form(client, ADD),
        generic_name="newinib",
        slug="newinib",
        change_summary="First draft.",
    )
    message = messages_after(response, client)
    new = therapy("newinib")
    assert message.startswith(
        "Added “newinib” as revision 1. Readers cannot see it until it is sent for review"
    )
    assert f'href="/admin/therapies/therapy/{new.pk}/submit/">Send for review</a>' in message


def test_saving_and_continuing_says_the_same_and_stays_on_the_form(seed, as_user):
    client = as_user("editor")
    url = CHANGE.format(therapy("imatinib").pk)
    response = post_form(client, url, open_form(client, url), change_summary="More.", _continue="1")
    assert response.url == url
    assert "Saved “imatinib” as revision 2." in messages_after(response, client)


def test_a_save_during_review_ends_it_tells_the_reviewers_and_says_so(
    seed, as_user, django_capture_on_commit_callbacks
):
    client = as_user("editor")
    imatinib = therapy("imatinib")
    edit_summary(as_user, imatinib, "Sent.")
    submit(as_user, imatinib)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = save(client, CHANGE.format(imatinib.pk), note="A typo.")
    message = messages_after(response, client)
    assert "Saved “imatinib” as revision 3. That ended the review it was in" in message
    assert "Send for review</a>" in message
    assert {m.subject for m in mail.outbox} == {"Review ended: imatinib"}
    assert {"clinical@example.org", "lay@example.org", "senior@example.org"} <= {
        m.to[0] for m in mail.outbox
    }


def test_the_form_warns_that_saving_ends_the_review_in_progress(seed, as_user):
    imatinib = therapy("imatinib")
    edit_summary(as_user, imatinib, "Sent.")
    request = submit(as_user, imatinib)
    sent_on = dateformat.format(timezone.localtime(request.submitted_at), "j F Y")
    form = as_user("editor").get(CHANGE.format(imatinib.pk)).text
    assert (
        f"This page is in review (sent by Editor on {sent_on}). Saving a change ends that "
        "review: the reviewers will be told and it must be sent again." in form
    )
    assert "This page is in review: saving a change ends that review." in form  # by Save
    # A reviewer, who cannot save, is told only where it stands.
    form = as_user("clinical").get(CHANGE.format(imatinib.pk)).text
    assert f"This page is in review (sent by Editor on {sent_on})." in form
    assert "Saving a change ends" not in form


def test_the_form_says_what_changes_were_requested_and_by_whom(seed, as_user):
    regorafenib = therapy("regorafenib")
    request = request_changes(as_user, regorafenib, "Say how often it is taken.")
    form = as_user("editor").get(CHANGE.format(regorafenib.pk)).text
    asked = dateformat.format(timezone.localtime(request.sign_offs.get().signed_at), "j F Y")
    assert f"Dr Clinical (clinical reviewer) asked for changes to revision 2 on {asked}:" in form
    assert "<blockquote>Say how often it is taken.</blockquote>" in form
    assert "Changes were requested on revision 2. Readers see revision 1." in form
    assert f"/admin/reviews/reviewrequest/{request.pk}/review/" in form


def test_the_summary_to_send_starts_from_what_was_said_when_saving(seed, as_user):
    imatinib = therapy("imatinib")
    edit_summary(as_user, imatinib, "Shorter sentences.")
    edit_summary(as_user, imatinib, "Shorter sentences.")  # said twice, sent once
    save(as_user("editor"), CHANGE.format(imatinib.pk), note="Added the brand name.")
    url = f"/admin/therapies/therapy/{imatinib.pk}/submit/"
    html = as_user("editor").get(url).text
    assert ">\nNew summary: Shorter sentences.\nAdded the brand name.</textarea>" in html, (
        "the seed's own first revision, published, is not in it"
    )
    assert "It starts with the change summaries saved since" in html
    # The editor may change it before sending.
    response = as_user("editor").post(url, {"summary": "Shorter sentences, and the brand."})
    assert response.status_code == 302
    assert ReviewRequest.objects.for_item(imatinib).get().summary == (
        "Shorter sentences, and the brand."
    )


def test_after_changes_are_requested_the_summary_carries_on_from_the_one_sent(seed, as_user):
    regorafenib = therapy("regorafenib")
    request_changes(as_user, regorafenib)
    edit_summary(as_user, regorafenib, "Explained TKI.")
    html = as_user("editor").get(f"/admin/therapies/therapy/{regorafenib.pk}/submit/").text
    assert ">\nPlease check the new summary.\nNew summary: Explained TKI.</textarea>" in html


def test_sending_for_review_says_who_is_asked_next(seed, as_user):
    imatinib = therapy("imatinib")
    edit_summary(as_user, imatinib, "Clearer.")
    client = as_user("editor")
    response = client.post(f"/admin/therapies/therapy/{imatinib.pk}/submit/", {"summary": "X."})
    assert messages_after(response, client) == (
        "Sent “imatinib” for review: the clinical reviewer and the lay reviewer are asked to "
        "sign it off, then the senior medical editor gives the final approval, which publishes "
        "it. Until then readers see the published revision; saving the page again ends this "
        "review."
    )


def test_shared_rows_list_how_many_pages_show_each(seed, as_user):
    html = as_user("editor").get("/admin/therapies/condition/").text
    shown = dict(
        re.findall(
            r'<th class="field-name"><a [^>]*>([^<]+)</a></th>.*?'
            r'<td class="field-shown_on_count">([^<]*)</td>',
            html,
            flags=re.S,
        )
    )
    assert shown
    for condition in Condition.objects.all():
        count = len(pages_showing(condition))
        expected = "no page" if count == 0 else f"{count} page{'' if count == 1 else 's'}"
        assert shown[condition.name] == expected, condition
    assert any(text.endswith("pages") for text in shown.values())


def test_summaries_too_long_to_send_keep_the_newest_and_say_so(seed, as_user):
    imatinib = therapy("imatinib")
    for number in range(20):
        save(as_user("editor"), CHANGE.format(imatinib.pk), note=f"SAVE {number:02} " + "x" * 280)
    html = as_user("editor").get(f"/admin/therapies/therapy/{imatinib.pk}/submit/").text
    sent = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S)[1]
    assert sent.startswith("(Earlier change summaries are left out: see the page&#x27;s history.)")
    assert "SAVE 19" in sent and "SAVE 00" not in sent
    assert len(sent.replace("&#x27;", "'")) <= 5000
