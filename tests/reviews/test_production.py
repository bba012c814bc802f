"""The production record, the audit trail and the workflow's lists name each revision by its
number in the page's own history, as the history page does; the record shows each sign-off's
remark with its decision."""

import pytest

from reviews.models import Publication, ReviewComment
from reviews.versions import revision_numbers
from tests.reviews.test_workflow import decide, edit_summary, submit

REMARK = "Clear and accurate; a lovely summary."


@pytest.fixture
def published(imatinib, as_user):
    """imatinib changed and published through a review with an approval remark and a comment
    accepted in the revision under review. Returns the publication and that revision's number
    in imatinib's history."""
    edit_summary(as_user, imatinib, "Imatinib is a TKI, a drug that blocks a signal.")
    request = submit(as_user, imatinib)
    base = f"/admin/reviews/reviewrequest/{request.pk}"
    as_user("lay").post(f"{base}/comment/", {"text": "Is 'TKI' explained?"})
    comment = ReviewComment.objects.get()
    as_user("editor").post(
        f"{base}/comment/{comment.pk}/answer/", {"accepted": "yes", "revision": request.revision_id}
    )
    assert (
        decide(as_user, request, "clinical", "clinical_reviewer", comment=REMARK).status_code == 302
    )
    assert decide(as_user, request, "lay", "lay_reviewer").status_code == 302
    assert decide(as_user, request, "senior", "senior_medical_editor").status_code == 302
    publication = Publication.objects.get(review_request=request)
    number = revision_numbers(imatinib)[publication.revision_id]
    assert publication.revision_id != number  # other pages' revisions came first
    return publication, number


def test_the_production_record_numbers_revisions_as_the_page_history_does(published, as_user):
    publication, number = published
    record = as_user("editor").get(f"/admin/reviews/publication/{publication.pk}/record/").text
    assert f"Revision {number}, saved" in record
    assert f"Revision {publication.revision_id}," not in record
    assert f"accepted (revision {number})" in record
    # The audit trail: the publication, and the sending for review, on this revision.
    assert f'<td data-label="What">published</td><td data-label="Revision">{number}</td>' in record
    assert (
        f'<td data-label="What">sent for review</td><td data-label="Revision">{number}</td>'
        in record
    )
    history = as_user("editor").get(f"/admin/therapies/therapy/{publication.object_id}/history/")
    assert f'<td data-label="Revision">{number}</td>' in history.text


def test_the_production_record_shows_an_approval_remark_with_its_decision(published, as_user):
    publication, _ = published
    record = as_user("editor").get(f"/admin/reviews/publication/{publication.pk}/record/").text
    assert f'<td data-label="Decision">Approved: “{REMARK}”</td>' in record
    assert "waiting for an answer" not in record
    assert record.count(REMARK) == 2  # the sign-off, and its event in the audit trail
    assert not ReviewComment.objects.filter(text=REMARK).exists()


def test_the_review_page_numbers_the_revision_an_accepted_comment_names(published, as_user):
    publication, number = published
    page = as_user("editor").get(
        f"/admin/reviews/reviewrequest/{publication.review_request_id}/review/"
    )
    assert f"accepted in revision {number}" in page.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reviews/auditevent/?q=imatinib&action=publish",
        "/admin/reviews/signoff/",
        "/admin/reviews/publication/?q=imatinib",
        "/admin/reviews/reviewrequest/?q=imatinib",
    ],
)
def test_workflow_lists_number_revisions_as_the_page_history_does(published, as_user, url):
    publication, number = published
    page = as_user("editor").get(url).text
    assert f'<td class="field-page_revision">{number}</td>' in page
    assert f">{publication.revision_id}</td>" not in page
    assert f"revision {publication.revision_id}" not in page
