"""The dashboard puts what waits for the person first, shows each only what they can act on,
and brings reviewers' comments to the editor who must answer them."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from reviews import roles
from reviews.models import PageReview, ReminderRun, ReviewComment
from tests.reviews.test_workflow import decide, edit_summary, submit

NEVER_RAN = "The daily job that e-mails review reminders has never run"


def headings(page: str) -> list[str]:
    """The dashboard's list headings, in order, without their counts."""
    return re.findall(r'<h2 id="dash-[^"]*">([^<(]*?) \(', page)


@pytest.fixture
def in_review(imatinib, as_user):
    edit_summary(as_user, imatinib, "Clearer.")
    return submit(as_user, imatinib)


def test_a_reviewer_s_sign_off_queue_comes_before_the_site_s_reviews(in_review, as_user):
    page = as_user("clinical").get("/admin/").text
    assert "Awaiting my sign-off (1)" in page
    assert headings(page)[:3] == [
        "Awaiting my sign-off",
        "Reviews overdue",
        "Reviews due in the next 90 days",
    ]
    # Lists of an editor's work are not a reviewer's.
    assert "My drafts" not in page and "Comments waiting for my answer" not in page


def test_a_reviewer_who_is_also_an_editor_sees_their_sign_offs_first(in_review, as_user, people):
    people["clinical"].groups.add(Group.objects.get(name=roles.EDITORS))
    page = as_user("clinical").get("/admin/").text
    assert headings(page)[:5] == [
        "Awaiting my sign-off",
        "Comments waiting for my answer",
        "Changes requested of me",
        "My drafts with unpublished changes",
        "Reviews overdue",
    ]
    assert "Awaiting my sign-off (1)" in page


def test_an_editor_sees_their_own_work_first_and_no_sign_off_queue(in_review, as_user):
    page = as_user("editor").get("/admin/").text
    assert headings(page)[0] == "Comments waiting for my answer"
    assert "Awaiting my sign-off" not in page


@pytest.mark.parametrize("who", ["editor", "clinical", "lay", "senior"])
def test_only_an_administrator_is_told_the_reminder_job_has_not_run(seed, as_user, superuser, who):
    assert NEVER_RAN in as_user("boss").get("/admin/").text
    page = as_user(who).get("/admin/").text
    assert NEVER_RAN not in page
    assert "send_review_reminders" not in page
    assert "Review reminders" not in page


def test_an_administrator_is_told_plainly_when_the_reminder_job_stopped(seed, as_user, superuser):
    ReminderRun.objects.create()
    page = as_user("boss").get("/admin/").text
    assert "Review reminders last ran" in page
    assert NEVER_RAN not in page
    later = timezone.localdate() + datetime.timedelta(days=3)
    with mock.patch("sarcomainfo.admin_site.timezone.localdate", return_value=later):
        page = as_user("boss").get("/admin/").text
    assert "The daily job that e-mails review reminders last ran on" in page
    assert "seems to have stopped, so nobody is told when a page's review falls due" in page


def waiting_comment(as_user, request):
    decide(as_user, request, "lay", "lay_reviewer", "changes_requested", "Explain what a TKI is.")
    return ReviewComment.objects.get()


def test_a_comment_waits_on_the_dashboard_of_the_editor_who_sent_the_change(in_review, as_user):
    comment = waiting_comment(as_user, in_review)
    page = as_user("editor").get("/admin/").text
    assert "Comments waiting for my answer (1)" in page
    link = f"/admin/reviews/reviewrequest/{in_review.pk}/review/#comment-{comment.pk}"
    assert f'<a href="{link}">imatinib</a>: Dr Lay (lay reviewer) asked on ' in page
    assert "“Explain what a TKI is.”" in page
    assert "Comments waiting for my answer (0)" in as_user("editor2").get("/admin/").text
    review = as_user("editor").get(link.split("#")[0]).text
    assert f'id="comment-{comment.pk}"' in review
    # Once answered, it waits no longer.
    as_user("editor").post(
        f"/admin/reviews/reviewrequest/{in_review.pk}/comment/{comment.pk}/answer/",
        {"accepted": "no", "reason": "Explained in the glossary."},
    )
    assert "Comments waiting for my answer (0)" in as_user("editor").get("/admin/").text


def test_a_comment_waits_on_the_dashboard_of_the_page_s_responsible_editor(
    imatinib, in_review, as_user, people
):
    PageReview.objects.for_item(imatinib).update(responsible_editor=people["editor2"])
    waiting_comment(as_user, in_review)
    assert "Comments waiting for my answer (1)" in as_user("editor2").get("/admin/").text
    assert "Comments waiting for my answer (0)" in as_user("editor").get("/admin/").text
    # A responsible editor who has left hands the answer back to the editor who sent it.
    people["editor2"].is_active = False
    people["editor2"].save()
    assert "Comments waiting for my answer (1)" in as_user("editor").get("/admin/").text
