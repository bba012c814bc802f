"""A reviewer's decision, as they give it and are told of it: a remark with an approval is part
of the sign-off, only a request for changes waits for an answer, and every message says what
happened and what comes next."""

import importlib
import re

from django.apps import apps

from reviews.models import ReviewComment, ReviewRequest, SignOff
from tests.reviews.test_workflow import decide, edit_summary, submit

REMARK = "Clinically accurate; matches the SmPC."


def review_page(as_user, who, request) -> str:
    return as_user(who).get(f"/admin/reviews/reviewrequest/{request.pk}/review/").text


def message_after(as_user, who, response) -> str:
    """The message the reviewer reads on the page the decision returns them to."""
    page = as_user(who).get(response["Location"]).text
    return " ".join(re.findall(r'<li class="(?:success|error|info)">(.*?)</li>', page, re.S))


def test_a_remark_given_with_an_approval_is_part_of_the_sign_off(imatinib, as_user):
    edit_summary(as_user, imatinib, "Imatinib is a tablet.")
    request = submit(as_user, imatinib)
    decide(as_user, request, "clinical", "clinical_reviewer", comment=REMARK)
    assert SignOff.objects.get(review_request=request).comment == REMARK
    assert not ReviewComment.objects.exists()
    decide(as_user, request, "lay", "lay_reviewer", "changes_requested", "Say what a TKI is.")
    waiting = ReviewComment.objects.get()
    assert (waiting.text, waiting.status) == ("Say what a TKI is.", ReviewComment.Status.OPEN)


def test_each_decision_says_what_happened_and_what_comes_next(imatinib, as_user):
    edit_summary(as_user, imatinib, "Imatinib is a tablet.")
    request = submit(as_user, imatinib)
    page = review_page(as_user, "clinical", request)
    assert "You sign as the clinical reviewer." in page
    assert ">Approve</button>" in page and ">Request changes</button>" in page

    response = decide(as_user, request, "clinical", "clinical_reviewer", comment=REMARK)
    told = message_after(as_user, "clinical", response)
    assert told == "Approved. Waiting for the lay reviewer and the senior medical editor."
    page = review_page(as_user, "clinical", request)
    assert "You approved this change on" in page
    assert "Waiting for the lay reviewer and the senior medical editor." in page
    assert "You cannot sign off" not in page

    decide(as_user, request, "lay", "lay_reviewer")
    page = review_page(as_user, "senior", request)
    assert ">Approve and publish</button>" in page
    assert "Approving publishes revision 2 to readers at once" in page

    response = decide(as_user, request, "senior", "senior_medical_editor")
    assert message_after(as_user, "senior", response) == (
        "Approved and published: readers now see revision 2 of “imatinib” at "
        '<a href="/therapies/imatinib/">/therapies/imatinib/</a>.'
    )


def test_after_publication_the_review_shows_what_it_published(imatinib, as_user):
    edit_summary(as_user, imatinib, "Imatinib is a tablet.")
    request = submit(as_user, imatinib)
    for who, role in [("clinical", "clinical_reviewer"), ("lay", "lay_reviewer")]:
        decide(as_user, request, who, role)
    decide(as_user, request, "senior", "senior_medical_editor")
    assert ReviewRequest.objects.get(pk=request.pk).state == ReviewRequest.State.PUBLISHED
    page = review_page(as_user, "editor", request)
    assert "What this change published, compared with what readers saw before" in page
    assert "No differences" not in page
    assert "<ins>tablet.</ins>" in page


def test_remarks_stored_as_open_comments_before_are_left_with_their_sign_offs(
    imatinib, as_user, people
):
    edit_summary(as_user, imatinib, "Imatinib is a tablet.")
    request = submit(as_user, imatinib)
    decide(as_user, request, "clinical", "clinical_reviewer", comment=REMARK)
    # As approvals left it before: a copy of the remark waiting for an answer.
    ReviewComment.objects.create(
        review_request=request, author=people["clinical"], role="clinical_reviewer", text=REMARK
    )
    asked = ReviewComment.objects.create(
        review_request=request, author=people["clinical"], text="Is the dose right?"
    )
    migration = importlib.import_module("reviews.migrations.0009_approval_remarks_on_sign_offs")
    migration.remove_remark_copies(apps, None)
    assert list(ReviewComment.objects.all()) == [asked]
    assert SignOff.objects.get().comment == REMARK


def test_a_decision_that_is_neither_button_is_answered(imatinib, as_user):
    edit_summary(as_user, imatinib, "Imatinib is a tablet.")
    request = submit(as_user, imatinib)
    response = decide(as_user, request, "clinical", "clinical_reviewer", decision="published")
    assert response.status_code == 200
    assert "Press Approve or Request changes." in response.text
    assert not SignOff.objects.exists()
