"""The dashboard puts what waits for the person first, shows each only what they can act on,
and brings reviewers' comments to the editor who must answer them."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from reviews import roles
from reviews.models import PageReview, ReminderRun, ReviewComment
from tests.reviews.test_workflow import decide, edit_summary, submit
from therapies.models import UnansweredSearch

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


# Searches that found nothing: what readers need and the site does not yet say (PIF TICK "need").
MID_MARCH = datetime.date(2026, 3, 15)


def unanswered_section(as_user, who: str) -> str:
    with mock.patch("sarcomainfo.admin_site.timezone.localdate", return_value=MID_MARCH):
        page = as_user(who).get("/admin/").text
    found = re.search(r'<section[^>]*"dash-unanswered-searches">.*?</section>', page, re.S)
    assert found, "no list of searches that found nothing"
    return found.group()


def listed(section: str) -> list[str]:
    rows = re.findall(r'<tr><th scope="row"><a [^>]*>(.*?)</a></th><td>(.*?)</td></tr>', section)
    return [f"{query}: {count}" for query, count in rows]


def searched(query: str, day: datetime.date, count: int):
    UnansweredSearch.objects.create(query=query, day=day, count=count)


def test_this_month_s_searches_that_found_nothing_are_summed_most_first_ten_at_most(as_user):
    searched("hair loss", datetime.date(2026, 3, 1), 5)
    searched("hair loss", MID_MARCH, 7)
    searched("fertility", datetime.date(2026, 3, 10), 12)
    searched("wig", MID_MARCH, 1)
    # Ties go by the words, and only the first ten are shown.
    for n, query in enumerate(["bone", "alcohol", "driving", "vaccines", "travel", "diet"]):
        searched(query, datetime.date(2026, 3, 2 + n), 3)
    searched("sunbeds", datetime.date(2026, 3, 9), 2)
    searched("pets", datetime.date(2026, 3, 9), 2)
    section = unanswered_section(as_user, "editor")
    assert listed(section) == [
        "“fertility”: 12 searches",
        "“hair loss”: 12 searches",
        "“alcohol”: 3 searches",
        "“bone”: 3 searches",
        "“diet”: 3 searches",
        "“driving”: 3 searches",
        "“travel”: 3 searches",
        "“vaccines”: 3 searches",
        "“pets”: 2 searches",
        "“sunbeds”: 2 searches",
    ]
    assert "wig" not in section
    # Each leads to what the search finds now, to see whether a synonym or a page answers it.
    assert 'href="/search/?q=hair%20loss"' in section
    # A search's days add up: nine more today takes it ahead of those searched three times.
    searched("pets", MID_MARCH, 9)
    assert listed(unanswered_section(as_user, "editor"))[:4] == [
        "“fertility”: 12 searches",
        "“hair loss”: 12 searches",
        "“pets”: 11 searches",
        "“alcohol”: 3 searches",
    ]


def test_last_month_s_searches_that_found_nothing_are_not_shown(as_user):
    searched("hair loss", datetime.date(2026, 2, 28), 40)
    searched("fertility", datetime.date(2026, 2, 1), 3)
    searched("fertility", datetime.date(2026, 3, 1), 1)
    assert listed(unanswered_section(as_user, "editor")) == ["“fertility”: 1 search"]


def test_a_month_in_which_every_search_found_something_says_so(as_user):
    searched("hair loss", datetime.date(2026, 2, 28), 40)
    section = unanswered_section(as_user, "editor")
    assert "No search has come up empty this month." in section
    assert listed(section) == []
    assert "search synonym" not in section


@pytest.mark.parametrize(
    "who, advice",
    [
        ("editor", "add <a"),
        ("clinical", "an editor can add <a"),
        ("lay", "an editor can add <a"),
        ("senior", "an editor can add <a"),
    ],
)
def test_editors_and_reviewers_see_the_searches_and_what_to_do(as_user, who, advice):
    searched("hair loss", MID_MARCH, 2)
    section = unanswered_section(as_user, who)
    assert listed(section) == ["“hair loss”: 2 searches"]
    assert f'{advice} href="/admin/therapies/searchsynonym/">a search synonym</a>' in section
    assert "it may be a page to write" in section


def test_someone_who_cannot_see_the_synonyms_gets_no_link_to_them(as_user, people):
    people["visitor"] = get_user_model().objects.create_user("visitor", is_staff=True)
    searched("hair loss", MID_MARCH, 2)
    section = unanswered_section(as_user, "visitor")
    assert listed(section) == ["“hair loss”: 2 searches"]
    assert "search synonym so the search finds it" in section
    assert "searchsynonym/" not in section
